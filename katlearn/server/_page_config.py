"""The page config every course page gets (Voila's ``page_config_hook``)."""

from __future__ import annotations

import logging

from katlearn.server._vendor import plotly_js_url


class CoursePageConfig:
    """Voila's ``VoilaConfiguration.page_config_hook``: the page config plus the plotly.js URL the
    page head starts loading at once (``katlearnPlotly``, read by the ``katlearn`` templates).

    Voila calls it in the server for every page it renders (pre-rendered copies included), so it
    is also where the server says, once per notebook, which notebooks are left out of the course
    (missing or malformed ``metadata.katlearn``), rather than every page's kernel logging it again.
    """

    def __init__(self) -> None:
        self._reported: set[str] = set()

    def __call__(self, page_config: dict, log: logging.Logger | None = None, **_kwargs) -> dict:
        if log is not None:
            self.report_left_out(log)
        return {**page_config, "katlearnPlotly": plotly_js_url()}

    def report_left_out(self, log: logging.Logger) -> None:
        from katlearn import content

        for problem in content.left_out():
            text = str(problem)
            if text not in self._reported:
                self._reported.add(text)
                log.warning("katlearn: %s; this notebook is left out of the course map and navigation "
                            "(python -m katlearn check lists what to fix)", text)
