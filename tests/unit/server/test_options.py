"""The configuration the course is served with, and the environment knobs that set it."""

from __future__ import annotations

import pytest

from katlearn.server import CoursePageConfig, _options

KNOBS = ("KATLEARN_POOL_SIZE", "KATLEARN_PRERENDER", "KATLEARN_PRERENDER_POOLS",
         "KATLEARN_CULL_IDLE_TIMEOUT_S", "KATLEARN_CULL_INTERVAL_S")


@pytest.fixture
def no_knobs(monkeypatch):
    for name in KNOBS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults(no_knobs):
    c = _options.standalone_config()
    assert c.MappingKernelManager.cull_idle_timeout == _options.CULL_IDLE_TIMEOUT_S == 600
    assert c.MappingKernelManager.cull_interval == _options.CULL_INTERVAL_S
    assert c.MappingKernelManager.cull_connected is False
    # pages pre-rendered (one copy each), one warm kernel standing by for a page without a ready copy
    assert c.CourseVoila.prerender is True
    assert c.PrerenderKernelManager.copies == _options.PRERENDER == 1
    assert c.PrerenderKernelManager.page_copies == {}
    assert c.CourseKernelManager.warm_pool_size == _options.POOL_SIZE_WITH_PRERENDER == 1
    assert c.VoilaConfiguration.multi_kernel_manager_class == "katlearn.server.CourseKernelManager"
    assert "preheat_kernel" not in c.VoilaConfiguration  # Voila's own pre-heating stays off
    assert c.VoilaConfiguration.extension_denylist == list(_options.EXTENSION_DENYLIST)
    assert "jupyterlab-plotly" in _options.EXTENSION_DENYLIST
    assert c.VoilaConfiguration.template == "katlearn"
    assert isinstance(c.VoilaConfiguration.page_config_hook, CoursePageConfig)
    assert c.KernelManager.transport == "ipc"  # no TCP port races between kernels
    assert c.Voila.ip == "127.0.0.1" and c.Voila.open_browser is False

    present = _options.standalone_config(present=True)
    assert present.VoilaConfiguration.template == "katlearn-reveal"
    assert present.VoilaConfiguration.http_keep_alive_timeout == 300
    assert present.CourseVoila.prerender is False
    assert "PrerenderKernelManager" not in present
    assert present.CourseKernelManager.warm_pool_size == _options.POOL_SIZE == 2


def test_environment_knobs(no_knobs):
    no_knobs.setenv("KATLEARN_CULL_IDLE_TIMEOUT_S", "12")
    no_knobs.setenv("KATLEARN_CULL_INTERVAL_S", "2")
    no_knobs.setenv("KATLEARN_POOL_SIZE", "5")
    no_knobs.setenv("KATLEARN_PRERENDER", "0")
    c = _options.standalone_config()
    assert c.MappingKernelManager.cull_idle_timeout == 12
    assert c.MappingKernelManager.cull_interval == 2
    assert c.CourseKernelManager.warm_pool_size == 5
    assert c.CourseVoila.prerender is False

    no_knobs.setenv("KATLEARN_PRERENDER", "3")
    c = _options.standalone_config()
    assert c.CourseVoila.prerender is True
    assert c.PrerenderKernelManager.copies == 3
    assert c.CourseKernelManager.warm_pool_size == 5

    # a workshop: many copies of one module only
    no_knobs.setenv("KATLEARN_PRERENDER", "0")
    no_knobs.setenv("KATLEARN_PRERENDER_POOLS", "03_neuroplasticity.ipynb=30, 04_x.ipynb=2")
    c = _options.standalone_config()
    assert c.CourseVoila.prerender is True
    assert c.PrerenderKernelManager.copies == 0
    assert c.PrerenderKernelManager.page_copies == {"03_neuroplasticity.ipynb": 30, "04_x.ipynb": 2}
    no_knobs.setenv("KATLEARN_PRERENDER_POOLS", "03_neuroplasticity=30")
    with pytest.raises(SystemExit, match="KATLEARN_PRERENDER_POOLS"):
        _options.standalone_config()
    no_knobs.delenv("KATLEARN_PRERENDER_POOLS")

    no_knobs.delenv("KATLEARN_PRERENDER")
    no_knobs.setenv("KATLEARN_POOL_SIZE", "many")
    with pytest.raises(SystemExit, match="KATLEARN_POOL_SIZE"):
        _options.standalone_config()


def test_the_knobs_reach_the_classes_they_configure(no_knobs):
    """Config names are class names: a typo would be silently ignored by traitlets."""
    from katlearn.server import CourseKernelManager, CourseVoila, PrerenderKernelManager

    no_knobs.setenv("KATLEARN_POOL_SIZE", "4")
    no_knobs.setenv("KATLEARN_PRERENDER", "2")
    c = _options.standalone_config()
    assert CourseKernelManager(config=c).warm_pool_size == 4
    assert CourseVoila(config=c).prerender is True
    copies = PrerenderKernelManager.class_traits()["copies"]
    assert c[PrerenderKernelManager.__name__][copies.name] == 2


def test_kernels_use_tcp_where_socket_paths_would_be_too_long(monkeypatch):
    from tests.plugin import scratch_dir

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(scratch_dir() / "runtime"))
    assert _options.kernel_transport() == "ipc"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(scratch_dir() / ("r" * 80)))
    assert _options.kernel_transport() == "tcp"
    assert _options.course_config().KernelManager.transport == "tcp"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(scratch_dir() / "runtime"))
    monkeypatch.setenv("TMPDIR", str(scratch_dir() / ("t" * 80)))
    monkeypatch.setattr("tempfile.tempdir", None)  # re-read TMPDIR
    (scratch_dir() / ("t" * 80)).mkdir(exist_ok=True)
    assert _options.kernel_transport() == "tcp"


def test_the_server_environment_puts_the_templates_first_on_jupyter_path():
    env = _options.server_env({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(":") == [str(_options.SHARE_DIR), "/elsewhere"]
    assert (_options.SHARE_DIR / "voila" / "templates" / "katlearn" / "index.html.j2").is_file()
