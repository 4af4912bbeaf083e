"""deploy/jupyterhub/jupyterhub_config.py, loaded as JupyterHub loads it (fast; no hub started)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config import Config

from katlearn import classroom
from katlearn.server import _hub, _options

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "jupyterhub"
CONFIG = DEPLOY / "jupyterhub_config.py"


def load(monkeypatch, base: Config | None = None, **env: str) -> tuple[Config, dict]:
    for key in ("KATLEARN_ROOT", "KATLEARN_CLASS_DIR", "KATLEARN_CLASS_GROUP", "KATLEARN_EDUCATORS",
                "KATLEARN_IDLE_TIMEOUT_S", "KATLEARN_MEM_LIMIT", "KATLEARN_CPU_LIMIT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    c = base if base is not None else Config()
    namespace = {"get_config": lambda: c, "__file__": str(CONFIG), "__name__": "jupyterhub_config"}
    exec(compile(CONFIG.read_text(encoding="utf-8"), str(CONFIG), "exec"), namespace)  # noqa: S102
    return c, namespace


def _user(name: str, admin: bool = False, groups: tuple[str, ...] = ()):
    return SimpleNamespace(name=name, admin=admin, groups=[SimpleNamespace(name=g) for g in groups])


def _spawner(user, systemd: bool = False):
    s = SimpleNamespace(user=user)
    if systemd:
        s.unit_extra_properties = {"UMask": "0077"}
    return s


# Settings of `katlearn serve` that belong to its standalone app, not to a hub's single-user server
# (which has its own address, log and kernel manager, and pre-renders nothing: see the README).
STANDALONE_ONLY = {"Voila", "CourseVoila", "CourseKernelManager", "PrerenderKernelManager"}


def _flat(config: Config) -> dict[str, object]:
    return {f"{section}.{key}": value for section, values in config.items() for key, value in values.items()}


def test_voila_on_the_hub_gets_every_option_katlearn_serve_gives_it():
    """What learners get on the hub is what `python -m katlearn serve` (and its tests) give: the
    same course_config, less only the standalone app's own settings."""
    hub = _flat(_hub.hub_config())
    assert hub["VoilaConfiguration.template"] == "katlearn"
    assert hub["VoilaConfiguration.strip_sources"] is True
    assert hub["VoilaConfiguration.show_tracebacks"] is False
    assert hub["MappingKernelManager.cull_idle_timeout"] == _options.CULL_IDLE_TIMEOUT_S
    assert hub["ServerApp.kernel_manager_class"] == "katlearn.server.CourseKernelManager"
    standalone = {key for key in _flat(_options.standalone_config()) if key.split(".")[0] not in STANDALONE_ONLY}
    standalone.discard("VoilaConfiguration.multi_kernel_manager_class")  # the hub's is ServerApp's
    assert standalone <= set(hub), standalone - set(hub)
    assert standalone == set(_flat(_options.course_config()))


def test_options_the_hub_admin_sets_win_over_the_courses():
    app = SimpleNamespace(config=Config(), tornado_settings={"compress_response": False})
    app.config.MappingKernelManager.cull_idle_timeout = 60
    app.update_config = lambda cfg: app.config.merge(cfg)
    _hub._link_jupyter_server_extension(app)
    assert app.config.MappingKernelManager.cull_idle_timeout == 60
    assert app.config.VoilaConfiguration.template == "katlearn"
    assert app.tornado_settings == {"compress_response": False}


def test_every_user_lands_on_the_course_home_in_voila(monkeypatch):
    c, ns = load(monkeypatch)
    assert c.Spawner.default_url == "/voila/render/00_start_here.ipynb"
    assert (ROOT / "notebooks" / "00_start_here.ipynb").exists()
    assert c.Spawner.notebook_dir == str(ROOT / "notebooks")
    assert c.Spawner.cmd[:2] == ["/bin/sh", "-c"] and c.Spawner.cmd[-1] == "jupyterhub-singleuser"
    assert "--ServerApp.jpserver_extensions=katlearn.server=True" in c.Spawner.args
    assert c.Spawner.disable_user_config is True
    env = c.Spawner.environment
    assert env["KATLEARN_ROOT"] == str(ROOT)
    assert env["JUPYTER_PATH"] == str(_options.SHARE_DIR)  # the course's Voila templates
    assert "PYTHONPATH" not in env  # the extension is part of the installed package


def test_each_learner_has_their_own_store_and_only_educators_read_the_class(monkeypatch, tmp_path):
    c, _ns = load(monkeypatch, KATLEARN_CLASS_DIR=str(tmp_path), KATLEARN_EDUCATORS="edna, ed")
    env = c.Spawner.environment
    assert env["KATLEARN_DB"](_spawner(_user("alice"))) == str(tmp_path / "alice" / "progress.sqlite")
    assert env["KATLEARN_CLASS_STORES"](_spawner(_user("alice"))) == ""
    assert env["KATLEARN_CLASS_STORES"](_spawner(_user("root", admin=True))) == str(tmp_path)
    assert env["KATLEARN_CLASS_STORES"](_spawner(_user("edna", groups=("educators",)))) == str(tmp_path)
    assert c.JupyterHub.load_groups == {"educators": {"users": ["edna", "ed"]}}


@pytest.mark.parametrize("name", ["alice", "jo ann", "a/../../etc", ".", "..", "ünïcode", "x%2Fy", "e@mail.org"])
def test_a_user_name_is_one_safe_folder_that_the_dashboard_maps_back(monkeypatch, name):
    _c, ns = load(monkeypatch)
    folder = ns["store_folder_name"](name)
    assert "/" not in folder and folder not in ("", ".", "..")
    assert classroom.owner_of_folder(folder) == name


def test_educator_servers_join_the_class_group_on_systemd(monkeypatch):
    _c, ns = load(monkeypatch, KATLEARN_CLASS_GROUP="ourclass")
    educator = _spawner(_user("edna", groups=("educators",)), systemd=True)
    ns["pre_spawn"](educator)
    assert educator.unit_extra_properties == {"UMask": "0077", "SupplementaryGroups": "ourclass"}
    learner = _spawner(_user("alice"), systemd=True)
    ns["pre_spawn"](learner)
    assert learner.unit_extra_properties == {"UMask": "0077"}
    ns["pre_spawn"](_spawner(_user("root", admin=True)))  # other spawners: nothing to do, no error


def test_educators_get_a_custom_scope_that_reaches_their_servers_token(monkeypatch):
    c, _ns = load(monkeypatch)
    assert classroom.EDUCATOR_SCOPE in c.JupyterHub.custom_scopes
    assert classroom.EDUCATOR_SCOPE in c.Spawner.server_token_scopes
    assert "read:users!user" in c.Spawner.server_token_scopes
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["katlearn-educator"]["scopes"] == [classroom.EDUCATOR_SCOPE]
    assert roles["katlearn-educator"]["groups"] == ["educators"]


def test_idle_servers_are_culled_by_jupyterhubs_service_and_limits_are_set(monkeypatch):
    c, _ns = load(monkeypatch, KATLEARN_IDLE_TIMEOUT_S="1800", KATLEARN_MEM_LIMIT="2G", KATLEARN_CPU_LIMIT="0.5")
    [culler] = [s for s in c.JupyterHub.services if s["name"] == "katlearn-idle-culler"]
    assert culler["command"][1:] == ["-m", "jupyterhub_idle_culler", "--timeout=1800"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert set(roles["katlearn-idle-culler"]["scopes"]) == {"list:users", "read:users:activity", "read:servers",
                                                            "delete:servers"}
    assert c.Spawner.mem_limit == "2G" and c.Spawner.cpu_limit == 0.5


def test_loading_twice_or_after_other_settings_keeps_them_and_adds_ours_once(monkeypatch):
    base = Config()
    base.JupyterHub.services = [{"name": "other", "url": "http://127.0.0.1:10101"}]
    base.JupyterHub.load_roles = [{"name": "other-role", "scopes": ["read:hub"], "services": ["other"]}]
    c, _ns = load(monkeypatch, base=base)
    c, _ns = load(monkeypatch, base=c)
    assert [s["name"] for s in c.JupyterHub.services] == ["other", "katlearn-idle-culler"]
    assert [r["name"] for r in c.JupyterHub.load_roles] == ["other-role", "katlearn-educator", "katlearn-idle-culler"]


def _wrap(ns: dict, db: Path, command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", "-c", ns["SINGLEUSER_WRAPPER"], "/bin/sh", "-c", command],
                          env={"KATLEARN_DB": str(db), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                          capture_output=True, text=True, timeout=30)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell and permissions")
def test_the_single_user_wrapper_makes_a_private_store_folder(monkeypatch, tmp_path):
    _c, ns = load(monkeypatch)
    db = tmp_path / "class" / "alice" / "progress.sqlite"
    done = _wrap(ns, db, 'touch "$KATLEARN_DB" && echo started "$#"')
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "started 0"
    assert stat.S_IMODE(db.parent.stat().st_mode) & 0o027 == 0  # no group write, nothing for others
    assert stat.S_IMODE(db.stat().st_mode) == 0o640


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to make a folder someone else owns")
def test_the_wrapper_refuses_a_store_folder_someone_else_made(monkeypatch, tmp_path):
    _c, ns = load(monkeypatch)
    squatted = tmp_path / "class" / "alice"
    squatted.mkdir(parents=True)
    os.chown(squatted, 54321, 54321)
    done = _wrap(ns, squatted / "progress.sqlite", "echo should not start")
    assert done.returncode == 1
    assert "belongs to someone else" in done.stderr and "should not start" not in done.stdout


def test_on_tljh_its_limits_culler_and_single_user_command_are_kept(monkeypatch):
    """TLJH sets these from tljh-config before loading drop-in files such as ours."""
    base = Config()
    base.Spawner.mem_limit = "2G"
    base.Spawner.cpu_limit = 2.0
    base.Spawner.cmd = ["/opt/tljh/user/bin/jupyterhub-singleuser"]
    base.JupyterHub.services = [{"name": "cull-idle", "admin": True,
                                 "command": ["/opt/tljh/hub/bin/python3", "-m", "jupyterhub_idle_culler", "--timeout=600"]}]
    c, _ns = load(monkeypatch, base=base)
    assert (c.Spawner.mem_limit, c.Spawner.cpu_limit) == ("2G", 2.0)
    assert [s["name"] for s in c.JupyterHub.services] == ["cull-idle"]
    assert c.Spawner.cmd[-1] == "/opt/tljh/user/bin/jupyterhub-singleuser"
    c, _ns = load(monkeypatch, base=base, KATLEARN_MEM_LIMIT="768M")
    assert c.Spawner.mem_limit == "768M"  # an explicit setting for the course wins
    assert c.Spawner.cmd[-1] == "/opt/tljh/user/bin/jupyterhub-singleuser"  # also when loaded twice


def test_on_kubernetes_learners_mount_only_their_folder_and_educators_the_class(monkeypatch):
    _c, ns = load(monkeypatch, KATLEARN_CLASS_CLAIM="katlearn-class", KATLEARN_CLASS_DIR="/srv/katlearn/progress")
    learner = SimpleNamespace(user=_user("jo ann"), volumes=[{"name": "home"}], volume_mounts=[{"name": "home"}])
    for _ in range(2):  # a server started twice gets the volume once
        ns["pre_spawn"](learner)
    assert learner.volumes == [{"name": "home"},
                               {"name": "katlearn-class", "persistentVolumeClaim": {"claimName": "katlearn-class"}}]
    assert learner.volume_mounts == [{"name": "home"}, {"name": "katlearn-class", "subPath": "jo%20ann",
                                                        "mountPath": "/srv/katlearn/progress/jo%20ann"}]
    educator = SimpleNamespace(user=_user("edna", admin=True), volumes=[], volume_mounts=[])
    ns["pre_spawn"](educator)
    assert educator.volume_mounts == [{"name": "katlearn-class", "mountPath": "/srv/katlearn/progress"}]


def test_the_z2jh_values_point_at_this_config_and_the_image_layout(monkeypatch):
    import yaml

    values = yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text(encoding="utf-8"))
    c, _ns = load(monkeypatch, **values["hub"]["extraEnv"])
    assert values["hub"]["extraFiles"]["katlearn-config"]["mountPath"].endswith("/jupyterhub_config.d/katlearn.py")
    assert values["singleuser"]["defaultUrl"] == c.Spawner.default_url
    assert values["singleuser"]["cmd"] == "jupyterhub-singleuser"
    root = values["hub"]["extraEnv"]["KATLEARN_ROOT"]
    assert c.Spawner.notebook_dir == f"{root}/notebooks"
    assert f"KATLEARN_ROOT={root}" in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    config_text = CONFIG.read_text(encoding="utf-8")
    for name in values["hub"]["extraEnv"]:
        assert name in config_text, f"{name} is set in the values but not read by the config"
    assert values["cull"]["enabled"] is True
