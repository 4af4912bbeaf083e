"""CourseVoila: its routes, its kernel manager chosen by configuration, the page config it renders with."""

from __future__ import annotations

import asyncio
import json

import pytest
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

from katlearn.server import (
    BeaconShutdownHandler,
    CourseKernelManager,
    CourseVoila,
    PrerenderKernelManager,
    plotly_js_url,
)
from tests.unit.server.inprocess import course_app, quiet_config

PROBE = {
    "cells": [{"cell_type": "code", "id": "probe", "metadata": {}, "execution_count": None, "outputs": [],
               "source": "import ipywidgets as widgets\nwidgets.IntSlider(description='probe')"}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                 "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def _handlers(voila: CourseVoila) -> dict[str, type]:
    return {pattern: handler for pattern, handler, *_rest in voila.init_handlers()}


def test_the_course_home_is_the_front_door_and_voilas_handlers_are_the_courses():
    async def scenario():
        async with course_app() as app:
            r = await app.fetch("")
            assert r.code in (301, 302) and r.headers["Location"] == "/voila/render/00_start_here.ipynb"
            handlers = set(_handlers(app.voila).values())
            assert BeaconShutdownHandler in handlers and VoilaShutdownKernelHandler not in handlers
            assert not handlers & {MultiStaticFileHandler, TemplateStaticFileHandler}
            # Voila made its kernel manager from multi_kernel_manager_class, as configured
            assert isinstance(app.voila.kernel_manager, CourseKernelManager)
            assert not isinstance(app.voila.kernel_manager, PrerenderKernelManager)
            assert RequestInfoSocketHandler not in handlers

    asyncio.run(scenario())


def test_with_prerender_on_the_app_runs_the_prerender_manager(tmp_path):
    (tmp_path / "probe.ipynb").write_text(json.dumps(PROBE), encoding="utf-8")
    config = quiet_config(CourseVoila={"prerender": True}, PrerenderKernelManager={"copies": 0})

    async def scenario():
        async with course_app(config, root=tmp_path) as app:
            km = app.voila.kernel_manager
            assert isinstance(km, PrerenderKernelManager)
            assert app.voila.app.settings["kernel_manager"] is km
            assert km.target("probe.ipynb") == 0
            assert RequestInfoSocketHandler in _handlers(app.voila).values()

    asyncio.run(scenario())


def test_voilas_own_preheating_and_ours_are_not_combined(tmp_path):
    config = quiet_config(CourseVoila={"prerender": True}, VoilaConfiguration={"preheat_kernel": True})

    async def scenario():
        with pytest.raises(ValueError, match="preheat_kernel"):
            async with course_app(config, root=tmp_path):
                pass

    asyncio.run(scenario())


def test_a_rendered_page_gets_the_course_page_config(tmp_path):
    """The page config hook reaches pages through configuration (VoilaConfiguration.page_config_hook)."""
    (tmp_path / "probe.ipynb").write_text(json.dumps(PROBE), encoding="utf-8")

    async def scenario():
        async with course_app(root=tmp_path) as app:
            r = await app.fetch("voila/render/probe.ipynb", request_timeout=120)
            html = r.body.decode()
            assert r.code == 200, html[-2000:]
            assert f'window.katlearnPlotlySrc = "/{plotly_js_url()}"' in html
            assert "katlearn/assets/css/katlearn.css" in html  # the course template
            assert "application/vnd.jupyter.widget-view+json" in html  # the notebook ran

    asyncio.run(scenario())
