"""Learner-specific parts of a pre-rendered page wait for the learner; elsewhere nothing changes."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from katlearn import learning
from katlearn.widgets import live, page, predict, quiz


@pytest.fixture
def prerendering(monkeypatch):
    """A kernel pre-rendering a page: VOILA_PREHEAT set, Voila's wait_for_request stubbed."""
    calls = []
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setitem(live._state, "released", False)
    monkeypatch.setattr(live, "_pending", [])
    monkeypatch.setattr(live, "wait_for_request", lambda: calls.append("request"))
    return calls


def test_outside_prerendering_factories_run_at_once(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert not live.prerendering()
    q = quiz.quiz("01_what_is_kat")
    assert isinstance(q, quiz.Quiz)
    assert live.pending() == 0
    live.ready()  # a no-op, never waits


def test_prerendered_page_builds_learner_parts_when_the_learner_arrives(prerendering, monkeypatch):
    learning.set_local_name("Early Bird")
    header = page.setup("01_what_is_kat")
    q = quiz.quiz("01_what_is_kat")
    p = predict.predict("01_what_is_kat", "onset-timing")
    assert all(isinstance(w, widgets.VBox) and "kl-deferred" in w._dom_classes for w in (header, q, p))
    assert all(w.children == () for w in (header, q, p))
    assert live.pending() == 3

    # between pre-rendering and the request, the learner changes name and answers a question
    learning.set_local_name("Ada")
    bank_q = quiz.content.load_bank("01_what_is_kat").questions[0]
    learning.record_attempt("Ada", "01_what_is_kat", bank_q.id, None, True, 1.0, "practice")

    page.ready()
    assert prerendering == ["request"]
    assert live.pending() == 0 and not live.prerendering()
    (built_header,), (built_quiz,) = header.children, q.children
    assert "kl-chrome" in built_header.value
    assert isinstance(built_quiz, quiz.Quiz) and built_quiz.learner == "Ada"
    assert isinstance(p.children[0], predict.Predict)
    # after the request, factories run at once again
    assert isinstance(quiz.quiz("01_what_is_kat"), quiz.Quiz)


def test_a_failing_part_shows_the_notice_and_the_rest_is_built(prerendering, caplog):
    def broken():
        raise RuntimeError("store on fire")

    bad = live.deferred(broken)()
    good = live.deferred(lambda: widgets.HTML("fine"))()
    live.ready()
    assert page.FRIENDLY_ERROR in bad.children[0].value
    assert good.children[0].value == "fine"
    assert "store on fire" in caplog.text


def test_waiting_for_the_request_takes_its_environment(monkeypatch):
    """The client side of Voila's /voila/query websocket, against a stand-in server."""
    import asyncio
    import json
    import os
    import threading

    import websockets

    got = {}
    ready = threading.Event()

    async def handler(ws):
        got["path"] = ws.request.path if hasattr(ws, "request") else ws.path
        await ws.send(json.dumps({"QUERY_STRING": "lang=en", "SCRIPT_NAME": "/voila/render/x.ipynb"}))

    def serve():
        async def main():
            async with websockets.serve(handler, "127.0.0.1", 0) as server:
                got["port"] = server.sockets[0].getsockname()[1]
                ready.set()
                await asyncio.sleep(3)
        asyncio.run(main())

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    assert ready.wait(5)
    for key, value in {"VOILA_APP_PORT": str(got["port"]), "VOILA_KERNEL_ID": "k-123", "VOILA_SERVER_URL": "/base/"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    live.wait_for_request()
    assert got["path"] == "/base/voila/query/k-123"
    assert os.environ["QUERY_STRING"] == "lang=en"
    os.environ.pop("SCRIPT_NAME", None)
    os.environ.pop("QUERY_STRING", None)
