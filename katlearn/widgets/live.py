"""The learner's own parts of a page, for pages rendered before their learner arrives.

``katlearn serve`` pre-renders pages (see :class:`katlearn.server.PrerenderKernelManager`): a kernel runs a
page's notebook ahead of time and the finished page goes to the next learner who opens it, so the
figures and explorers (the slow part) are ready before anyone asks. Some parts of a page belong to
the learner, though: progress in the header, saved predictions and quiz answers, the name field,
the course map, case choices, the final assessment, the class dashboard. They must be read when the
learner arrives, not when the page was pre-rendered (possibly before the learner's last answers, or
for another name).

Their factories are wrapped with :func:`deferred`. While a kernel pre-renders, a deferred factory
returns an empty placeholder box and remembers the call; :func:`ready`, the last cell of every
page, waits for the learner's request (Voila's ``wait_for_request``) and then builds every
remembered part into its box, before the browser asks for any widget's state. Anywhere else
(a kernel started for the request, nbval, tests) the factories run at once, as plain functions.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any, Callable, TypeVar

import ipywidgets as widgets

from katlearn.widgets._failures import FRIENDLY_ERROR, record_failure
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import shared_layout

log = logging.getLogger("katlearn")

F = TypeVar("F", bound=Callable[..., Any])

_pending: list[tuple[widgets.Box, Callable[..., Any], tuple, dict]] = []
_state = {"released": False}


def prerendering() -> bool:
    """True while this kernel runs a page before any learner has asked for it."""
    return os.environ.get("VOILA_PREHEAT", "False") == "True" and not _state["released"]


def deferred(factory: F) -> F:
    """Make ``factory`` (a learner-specific widget) wait for the learner while pre-rendering."""

    @functools.wraps(factory)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not prerendering():
            return factory(*args, **kwargs)
        box = widgets.VBox(layout=shared_layout(width="100%"))
        box.add_class("kl-deferred")
        _pending.append((box, factory, args, kwargs))
        return box

    return wrapper  # type: ignore[return-value]


def pending() -> int:
    """How many learner-specific parts wait for :func:`ready`."""
    return len(_pending)


def ready() -> None:
    """End of a page: when pre-rendering, wait for the learner, then build their parts.

    A part that fails shows the course's friendly notice (traceback to the server log) and the
    others are still built.
    """
    if not prerendering():
        return
    wait_for_request()
    _state["released"] = True
    fill()


def wait_for_request(timeout_s: float = 5.0) -> None:
    """Block until Voila hands this pre-rendered page to a request; take the request's environment.

    The client side of Voila's ``/voila/query/<kernel id>`` websocket, as ``voila.utils.wait_for_request``
    does it, without importing ``voila`` in the kernel: that package brings jupyter_server and its
    schema grammars along (~40 MB and seconds of CPU in every page's kernel).
    """
    import asyncio
    import json
    import threading

    import websockets

    env = os.environ
    ws_base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{ws_base}voila/query/{env.get('VOILA_KERNEL_ID', '')}")
    info: dict[str, Any] = {}

    async def receive() -> None:
        try:
            async with websockets.connect(url, open_timeout=timeout_s) as ws:
                info["payload"] = await ws.recv()
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as exc:
            log.warning("could not hear from the course server at %s: %s", url, exc)

    # the kernel's own event loop is running this cell: wait on a loop of our own, in a thread
    thread = threading.Thread(target=lambda: asyncio.run(receive()), name="katlearn-wait-for-request")
    thread.start()
    thread.join()
    if "payload" in info:
        for key, value in json.loads(info["payload"]).items():
            os.environ[key] = value


def fill() -> None:
    """Build every remembered part into its placeholder box (called by :func:`ready`)."""
    while _pending:
        box, factory, args, kwargs = _pending.pop(0)
        try:
            box.children = (factory(*args, **kwargs),)
        except Exception as exc:  # noqa: BLE001 - one broken part must not blank the page
            record_failure(f"a part built by {getattr(factory, '__qualname__', 'a factory')}()", exc)
            box.children = (html_view(FRIENDLY_ERROR),)
