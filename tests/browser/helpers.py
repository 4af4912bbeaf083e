"""What a browser test does on every course page.

``CoursePage.open(notebook)`` loads a Voila page and waits until every cell has run and every
figure is drawn; it fails on any page-console error, on any ERROR the server logged meanwhile, on a
figure that could not be drawn, and it keeps a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
import subprocess

# Console noise that is not an error of ours: JupyterLab's module federation reports version
# mismatches of shared packages between Voila's bundle and extensions as warnings.
IGNORED_CONSOLE = (re.compile(r"Unsatisfied version|No satisfying version"),)
SERVER_ERROR = re.compile(r"\bERROR\b|Traceback \(most recent call last\)")


# A record of the server's log starts with its bracketed prefix ("[CourseVoila 12:00:01.123] …", or
# jupyter_server's "[I 2026-… ]"); a traceback's own lines never start with "[", so a record runs
# until the next line that does.
LOG_RECORD = re.compile(r"^\[[^\]\n]{1,80}\]")


def server_errors(logged: str, limit_chars: int = 20_000) -> list[str]:
    """Every log record in ``logged`` that reports an error, whole (with its traceback lines).

    A record counts when any of its lines matches ``SERVER_ERROR``; kernels' stderr and tornado
    both write tracebacks as several lines, and a check that kept only the matching line would
    lose what the traceback said.
    """
    records: list[list[str]] = []
    for line in logged.splitlines():
        if LOG_RECORD.match(line) or not records:
            records.append([line])
        else:
            records[-1].append(line)
    bad = ["\n".join(r) for r in records if any(SERVER_ERROR.search(line) for line in r)]
    out, used = [], 0
    for text in bad:
        if used + len(text) > limit_chars:
            out.append(f"... {len(bad) - len(out)} more error record(s); see the server log")
            break
        out.append(text)
        used += len(text)
    return out


def draw_every_figure(page, timeout_ms: int = 90_000, ready: str | None = None) -> None:
    """Scroll through the page until every figure is drawn (or failed) and, if given, the ``ready``
    selector is visible (it may name a figure further down); then back to the top.

    A figure is drawn when it is about to scroll into view (katlearn/widgets/plot.js), as a learner
    scrolling through the page would have it drawn.
    """
    deadline = time.monotonic() + timeout_ms / 1000

    def left_ms() -> int:
        return max(1, int((deadline - time.monotonic()) * 1000))

    _scroll_to_every_figure(page, left_ms())
    while ready:
        try:
            page.wait_for_selector(ready, state="visible", timeout=1000)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: widgets may still be arriving
            if time.monotonic() > deadline:
                raise
            _scroll_to_every_figure(page, left_ms())
            continue
        _scroll_to_every_figure(page, left_ms())  # figures that arrived with the ready part
        break
    page.evaluate("() => { const c = document.getElementById('rendered_cells'); if (c) c.scrollTop = 0; }")


def _scroll_to_every_figure(page, timeout_ms: int) -> None:
    page.wait_for_function(
        """() => {
            const plots = [...document.querySelectorAll('.kl-plot')];
            const pending = plots.filter(p => !p.classList.contains('kl-plot-ready') &&
                                              !p.classList.contains('kl-plot-error'));
            const unseen = pending.find(p => !p.classList.contains('kl-plot-seen'));
            if (unseen) unseen.scrollIntoView({block: 'center'});
            return pending.length === 0;
        }""",
        timeout=timeout_ms,
    )


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def page_url(self, notebook: str) -> str:
        return self.url(f"voila/render/{notebook}")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            f.seek(offset)
            return f.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class CoursePage:
    page: object  # playwright.sync_api.Page
    server: Server
    artifacts: Path
    test_name: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    _log_offset: int = 0
    _shots: int = 0

    def __post_init__(self) -> None:
        # Errors are kept per document: what a page logs while the learner is leaving it (its
        # kernel is being shut down) is not an error of the page being tested next.
        self._document = 0
        self._document_url = ""
        self._errors_by_document: dict[int, list[str]] = {}
        self.page.on("framenavigated", self._on_navigated)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc} {(exc.stack or '')[:300]}"))
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.on("response", self._on_response)

    def _on_navigated(self, frame) -> None:
        # a new document, not a #fragment change (presenter mode moves between slides that way)
        if frame == self.page.main_frame and frame.url.split("#")[0] != self._document_url:
            self._document_url = frame.url.split("#")[0]
            self._document += 1
            self.console_errors = self._errors_by_document.setdefault(self._document, [])

    def _on_console(self, msg) -> None:
        if msg.type == "error" and not any(p.search(msg.text) for p in IGNORED_CONSOLE):
            self.console_errors.append(f"{msg.text} @ {msg.location.get('url', '')}")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            referer = response.request.headers.get("referer", "")
            self.console_errors.append(f"HTTP {response.status} {response.url} (from {referer})")

    def open(self, notebook: str, ready: str | None = None, timeout_ms: int = 90_000):
        """Load ``notebook``'s Voila page and wait until it is fully rendered."""
        self._log_offset = self.server.log_size()
        self.page.goto(self.server.page_url(notebook), timeout=timeout_ms)
        self.wait_rendered(ready=ready, timeout_ms=timeout_ms)
        return self.page

    def wait_rendered(self, ready: str | None = None, timeout_ms: int = 90_000) -> None:
        page = self.page
        page.wait_for_selector("#rendered_cells", state="visible", timeout=timeout_ms)
        # Voila shows the cells once every cell has executed; widgets render right after.
        draw_every_figure(page, timeout_ms, ready=ready)
        self.check()

    def check(self) -> None:
        """Fail on broken figures, console errors and server-side errors since the page opened; a
        failing page is kept (HTML and a screenshot) in the artifacts, named in the message."""
        problems = []
        broken = self.page.locator(".kl-plot-error").count()
        if broken:
            problems.append(f"{broken} figure(s) could not be drawn")
        if self.console_errors:
            problems.append(f"console errors: {self.console_errors}")
        bad = server_errors(self.server.log_since(self._log_offset))
        if bad:
            problems.append("server logged errors:\n" + "\n\n".join(bad))
        if problems:
            problems.append(f"page kept as {self.keep_page('failed-check')}")
        assert not problems, "\n".join(problems)

    def keep_page(self, label: str) -> Path:
        """The page's HTML as the browser has it now (widgets rendered), next to the screenshots."""
        self.artifacts.mkdir(exist_ok=True)
        path = self.artifacts / re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.test_name}-{label}.html")
        path.write_text(self.page.content(), encoding="utf-8")
        try:
            self.screenshot(label)
        except Exception:  # noqa: BLE001 - the HTML is what matters; a shot may fail on a closing page
            pass
        return path

    def screenshot(self, label: str = "") -> Path:
        self._shots += 1
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.test_name}-{self._shots}{'-' + label if label else ''}")
        path = self.artifacts / f"{name}.png"
        # Voila scrolls inside #rendered_cells, so a "full page" shot would stop at the viewport:
        # grow the viewport to the content's height for the shot instead.
        size = self.page.viewport_size
        height = self.page.evaluate(
            "() => (document.getElementById('rendered_cells') || document.body).scrollHeight"
        )
        self.page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 12000))})
        try:
            self.page.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size(size)
        return path

    def non_local_requests(self) -> list[str]:
        local = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/|^(data|blob|about):")
        return [u for u in self.requests if not local.match(u)]


# Text of a drawn figure, by kind (Plotly's own SVG classes). Collisions between kinds are what a
# reader notices: a legend over an axis title, an annotation over the title.
_FIGURE_TEXT_JS = """(plot) => {
  const kinds = {
    title: '.infolayer .gtitle', legend: '.infolayer .legend text', xtitle: '.infolayer .xtitle, .infolayer .x2title',
    ytitle: '.infolayer .ytitle, .infolayer .y2title', annotation: '.annotation-text',
  };
  const frame = plot.querySelector('.main-svg').getBoundingClientRect();
  const out = [];
  for (const [kind, sel] of Object.entries(kinds)) {
    for (const el of plot.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (!r.width || !el.textContent.trim()) continue;
      out.push({kind, text: el.textContent.trim().slice(0, 60), left: r.left - frame.left, right: r.right - frame.left,
                top: r.top - frame.top, bottom: r.bottom - frame.top, width: frame.width});
    }
  }
  return out;
}"""


def figure_text_problems(page, slack_px: float = 2.0) -> list[str]:
    """For every drawn figure (``.kl-plot``) on ``page``: texts cut off at the figure's left or
    right edge, and texts of different kinds (title, legend, axis titles, annotations) that overlap."""
    problems: list[str] = []
    for n, plot in enumerate(page.locator(".kl-plot").all()):
        if not plot.locator(".main-svg").count():
            continue
        texts = plot.evaluate(_FIGURE_TEXT_JS)
        for t in texts:
            if t["left"] < -slack_px or t["right"] > t["width"] + slack_px:
                problems.append(f"figure {n}: {t['kind']} “{t['text']}” is cut off ({t['left']:.0f}–{t['right']:.0f} px "
                                f"of {t['width']:.0f})")
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                if a["kind"] == b["kind"]:
                    continue
                if (min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack_px
                        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack_px):
                    problems.append(f"figure {n}: {a['kind']} “{a['text']}” overlaps {b['kind']} “{b['text']}”")
    return problems
