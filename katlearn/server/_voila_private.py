"""Every use of a private Voila internal, in one place (Voila 0.5).

Each function says what it relies on; ``tests/unit/server/test_voila_private.py`` fails loudly on a
Voila version where one of them no longer has its effect. Nothing else in katlearn touches a
private attribute of Voila, jupyter-server or tornado.
"""

from __future__ import annotations

import asyncio
import os

from voila.utils import ENV_VARIABLE
from voila.voila_kernel_manager import wait_before


def prerender_pool(manager, notebook_name: str) -> list[asyncio.Task]:
    """The live list of ``notebook_name``'s pre-rendered copies in a pre-rendering kernel manager
    (a class made by ``voila_kernel_manager_factory`` with pre-heating on): Voila keeps them, as
    tasks, in the private ``_pools`` dict, hands out the first one and fills the list up again.
    Reordering the list changes which copy is handed out next."""
    return manager._pools.setdefault(notebook_name, [])


def prerendered_notebooks(manager) -> list[str]:
    """Every notebook with a pool of pre-rendered copies (the keys of the private ``_pools``)."""
    return list(manager._pools)


def start_copy(manager, notebook_name: str, delay_s: float, extra_kernel_env_variables: dict | None = None,
               **kwargs) -> asyncio.Task:
    """Start one more pre-rendered copy of ``notebook_name`` after ``delay_s`` and add it to its pool.

    Voila's ``fill_if_needed`` starts every copy a pool lacks at once; this starts one, exactly as
    that method starts each (the same kernel environment, the private ``_initialize`` that starts
    a kernel and renders the notebook in it), so a pool can grow one copy at a time.
    """
    pools = manager.kernel_pools_config
    default = pools.get("default", {})
    env_variables = pools.get(notebook_name, default).get("kernel_env_variables",
                                                           default.get("kernel_env_variables", {}))
    kwargs.setdefault("path", os.path.dirname(notebook_name))
    env = {**os.environ, **kwargs.get("env", {})}
    for key, value in env_variables.items():
        env.setdefault(key, value)
    env.update(extra_kernel_env_variables or {})
    app = manager.parent
    env[ENV_VARIABLE.VOILA_BASE_URL] = app.base_url
    env[ENV_VARIABLE.VOILA_SERVER_URL] = app.server_url
    env[ENV_VARIABLE.VOILA_APP_PORT] = str(app.port)
    env[ENV_VARIABLE.VOILA_PREHEAT] = "True"
    kwargs["env"] = env
    task = asyncio.get_event_loop().create_task(
        wait_before(delay_s, manager._initialize(notebook_name, None, **kwargs)))
    prerender_pool(manager, notebook_name).append(task)
    return task


def replace_kernel_manager(app, settings: dict, manager_class: type):
    """Make a ``manager_class`` the kernel manager of a Voila app, in place of the one Voila made.

    ``Voila.init_settings`` makes the kernel manager itself, from
    ``VoilaConfiguration.multi_kernel_manager_class`` wrapped in a class of its own whose
    pre-render pool methods a subclass cannot override; this is the only way to run a pre-render
    pool of ours. It relies on the app's handlers and ``Voila.stop`` finding the manager only as
    ``settings["kernel_manager"]`` and ``app.kernel_manager``. The one Voila made is dropped
    unused (made with pre-heating off, it has started nothing).
    """
    made = app.kernel_manager
    manager = manager_class(parent=app, connection_dir=made.connection_dir,
                            kernel_spec_manager=made.kernel_spec_manager,
                            allowed_message_types=made.allowed_message_types)
    app.kernel_manager = manager
    settings["kernel_manager"] = manager
    return manager


def voila_extension_loaded(web_app) -> bool:
    """Whether ``voila.server_extension`` has already added its routes to a jupyter-server web app
    (its load hook sets the ``voila_jinja2_env`` setting as it adds them): routes added after
    Voila's would never be reached for the URLs Voila serves."""
    return "voila_jinja2_env" in web_app.settings


def waiting_kernels() -> dict:
    """Kernels of pre-rendered copies that wait for their learner: ``page.ready()`` (the last cell of
    every course page, see :mod:`katlearn.widgets.live`) connected to Voila's request-info socket,
    whose handler keeps them in the private class attribute ``_waiters`` (kernel id -> socket)."""
    from voila.request_info_handler import RequestInfoSocketHandler

    return RequestInfoSocketHandler._waiters
