"""JupyterHub settings that serve katlearn to a class: every learner logs in and lands on the course.

Load it from a hub's own config (The Littlest JupyterHub: symlink it into
``/opt/tljh/config/jupyterhub_config.d/``; any other hub: ``load_subconfig(<this file>)``). It sets
what the course needs and leaves the rest (authenticator, spawner class, TLS, URLs) to the hub:

- each user's server is ``jupyterhub-singleuser`` (jupyter-server with the hub's login) running
  Voila as a server extension, set up by the course's own extension (``katlearn.server``) with the
  parts ``python -m katlearn serve`` uses (template, stripped sources, no tracebacks, culling, the
  close beacon, compressed and cacheable static files, course routes); it opens on the course home;
- each learner's progress goes to their own store, ``<class dir>/<user>/progress.sqlite``, created
  by the learner's own server (umask 027 in a setgid class folder: the files belong to the learner,
  the class group may read them, nobody else may); educators' servers join the class group and read
  every store (from copies, so they never write into a learner's folder); learners read only
  their own;
- educators are hub admins and members of the ``educators`` group; they hold the custom scope
  ``custom:katlearn:class-results``, which the educator dashboard asks the hub about;
- idle servers are stopped by the jupyterhub-idle-culler service; idle kernels of closed pages by
  jupyter-server's own culling; memory and CPU limits are the spawner's (enforced by spawners that
  can: systemd on TLJH, Kubernetes on Z2JH; ignored by the local-process spawner).

Settings an installer may change are read from the hub's environment (names below, defaults in
brackets); see ``deploy/jupyterhub/README.md``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HERE = Path(__file__).resolve().parent
# KATLEARN_ROOT [the checkout this file is in]: the course (assets/, notebooks/, katlearn/).
COURSE_ROOT = Path(os.environ.get("KATLEARN_ROOT") or HERE.parent.parent).resolve()
# KATLEARN_CLASS_DIR [/srv/katlearn/progress]: one folder per learner, readable by educators.
CLASS_DIR = Path(os.environ.get("KATLEARN_CLASS_DIR") or "/srv/katlearn/progress")
# KATLEARN_CLASS_GROUP [katlearn-class]: Unix group of CLASS_DIR; educators' servers join it
# (systemd spawner) so they can read every learner's store.
CLASS_GROUP = os.environ.get("KATLEARN_CLASS_GROUP") or "katlearn-class"
# KATLEARN_CLASS_CLAIM [none]: on Kubernetes (Z2JH), the ReadWriteMany volume claim that holds
# CLASS_DIR: each learner's pod mounts only their own folder of it, educators' pods all of it.
CLASS_CLAIM = os.environ.get("KATLEARN_CLASS_CLAIM", "")
# KATLEARN_EDUCATORS [none]: comma-separated hub user names added to the educators group.
EDUCATORS = [u.strip() for u in os.environ.get("KATLEARN_EDUCATORS", "").split(",") if u.strip()]
# KATLEARN_IDLE_TIMEOUT_S [3600]: stop a user's server after this long without activity.
IDLE_TIMEOUT_S = int(os.environ.get("KATLEARN_IDLE_TIMEOUT_S") or 3600)
# KATLEARN_MEM_LIMIT [1G] and KATLEARN_CPU_LIMIT [1]: per-user limits, unless the hub already set
# them (TLJH: tljh-config set limits.memory ...). A learner's server takes about 100 MB plus about
# 150 MB per open module page (one kernel each), so 1 GB covers five open pages.
MEM_LIMIT = os.environ.get("KATLEARN_MEM_LIMIT") or "1G"
CPU_LIMIT = float(os.environ.get("KATLEARN_CPU_LIMIT") or 1)

# Sign-in from an LMS with LTI 1.3 (see the README, "Launch from your LMS"): on when
# KATLEARN_LTI_CLIENT_ID is set. The platform's issuer, its OIDC authorization URL and its key set
# (JWKS) URL are what the LMS shows when the tool is registered.
LTI_CLIENT_ID = os.environ.get("KATLEARN_LTI_CLIENT_ID", "")
LTI_ISSUER = os.environ.get("KATLEARN_LTI_ISSUER", "")
LTI_AUTHORIZE_URL = os.environ.get("KATLEARN_LTI_AUTHORIZE_URL", "")
LTI_JWKS_URL = os.environ.get("KATLEARN_LTI_JWKS_URL", "")
# KATLEARN_LTI_USERNAME_CLAIM [sub]: the launch claim that names the hub user (see the README).
LTI_USERNAME_CLAIM = os.environ.get("KATLEARN_LTI_USERNAME_CLAIM") or "sub"
# Grades to the LMS gradebook (the katlearn-lti-grades service), when both are set as well: the
# tool's private key (PEM, readable only by the hub's user) and the platform's access-token URL.
LTI_KEY_FILE = os.environ.get("KATLEARN_LTI_KEY_FILE", "")
LTI_TOKEN_URL = os.environ.get("KATLEARN_LTI_TOKEN_URL", "")
# KATLEARN_LTI_GRADES_URL [http://127.0.0.1:10101]: where the service listens (the hub proxies
# /services/katlearn-lti-grades/ to it). KATLEARN_LTI_GRADES_INTERVAL_S [60]: seconds between syncs.
# KATLEARN_LTI_STATE_DIR [/srv/katlearn/lti]: the service's outbox. KATLEARN_PYTHON [the hub's]:
# a Python with katlearn installed (TLJH: /opt/tljh/user/bin/python).
LTI_GRADES_URL = (os.environ.get("KATLEARN_LTI_GRADES_URL") or "http://127.0.0.1:10101").rstrip("/")
LTI_GRADES_INTERVAL_S = float(os.environ.get("KATLEARN_LTI_GRADES_INTERVAL_S") or 60)
# KATLEARN_LTI_GRADES_RETRY_S [60]: wait after a failed send, doubling up to an hour.
LTI_GRADES_RETRY_S = float(os.environ.get("KATLEARN_LTI_GRADES_RETRY_S") or 60)
LTI_STATE_DIR = os.environ.get("KATLEARN_LTI_STATE_DIR") or "/srv/katlearn/lti"
COURSE_PYTHON = os.environ.get("KATLEARN_PYTHON") or sys.executable
LTI_GRADES_SERVICE = "katlearn-lti-grades"

EDUCATORS_GROUP = "educators"
EDUCATOR_SCOPE = "custom:katlearn:class-results"
HOME_NOTEBOOK = "00_start_here.ipynb"
STORE_NAME = "progress.sqlite"

# The single-user server: jupyter-server with Voila and the course's extension (which serves the
# course with the parts of `python -m katlearn serve`, see katlearn/server/_hub.py); no terminals.
SERVER_ARGS = [
    "--ServerApp.jpserver_extensions=voila.server_extension=True",
    "--ServerApp.jpserver_extensions=katlearn.server=True",
    "--ServerApp.terminals_enabled=False",
]

# Start the single-user server with umask 027 after making sure the learner's store folder is
# theirs. The folder inherits CLASS_DIR's group (setgid), so educators can read it and nobody else
# can; a folder someone else created first under this learner's name is refused, never used.
SINGLEUSER_WRAPPER = (
    'umask 0027; d=$(dirname "$KATLEARN_DB"); '
    'mkdir -p "$d" && [ -O "$d" ] || '
    '{ echo "katlearn: $d belongs to someone else; ask the hub admin to remove it" >&2; exit 1; }; '
    'exec "$0" "$@"'
)


def store_folder_name(username: str) -> str:
    """A hub user name as one safe path component (percent-encoded, never '.' or '..')."""
    name = quote(username, safe="@+-_~")
    return name.replace(".", "%2E") if set(name) <= {"."} else name


def is_educator(user) -> bool:
    """Hub admins and members of the educators group (``user`` is JupyterHub's User)."""
    return bool(getattr(user, "admin", False)) or any(
        g.name == EDUCATORS_GROUP for g in getattr(user, "groups", []))


def learner_store(spawner) -> str:
    return str(CLASS_DIR / store_folder_name(spawner.user.name) / STORE_NAME)


def class_stores(spawner) -> str:
    """Where the educator dashboard reads class results; empty (= only your own) for learners."""
    return str(CLASS_DIR) if is_educator(spawner.user) else ""


def pre_spawn(spawner) -> None:
    """Give educators' servers read access to every store, learners' only to their own.

    systemd (TLJH): educators' servers join the class group. Kubernetes (KubeSpawner, with
    KATLEARN_CLASS_CLAIM): educators mount the whole class volume, a learner only their folder.
    """
    educator = is_educator(spawner.user)
    if educator and hasattr(spawner, "unit_extra_properties"):
        spawner.unit_extra_properties = {**spawner.unit_extra_properties, "SupplementaryGroups": CLASS_GROUP}
    if CLASS_CLAIM and hasattr(spawner, "volume_mounts"):
        folder = store_folder_name(spawner.user.name)
        mount = {"name": "katlearn-class", "mountPath": str(CLASS_DIR)} if educator else {
            "name": "katlearn-class", "mountPath": str(CLASS_DIR / folder), "subPath": folder}
        spawner.volumes = [v for v in spawner.volumes if v.get("name") != "katlearn-class"] + [
            {"name": "katlearn-class", "persistentVolumeClaim": {"claimName": CLASS_CLAIM}}]
        spawner.volume_mounts = [m for m in spawner.volume_mounts if m.get("name") != "katlearn-class"] + [mount]


# --- the single-user server: the course in Voila, landing on the home page -------------------
# TLJH names its jupyterhub-singleuser by full path; keep it.
_given = list(c.Spawner.cmd) if "cmd" in c.Spawner and c.Spawner.cmd else []
_given = _given[3:] if _given[:3] == ["/bin/sh", "-c", SINGLEUSER_WRAPPER] else _given  # loaded twice
SINGLEUSER = _given[0] if len(_given) == 1 and _given[0].endswith("jupyterhub-singleuser") else "jupyterhub-singleuser"
c.Spawner.cmd = ["/bin/sh", "-c", SINGLEUSER_WRAPPER, SINGLEUSER]
c.Spawner.args = SERVER_ARGS
c.Spawner.notebook_dir = str(COURSE_ROOT / "notebooks")
c.Spawner.default_url = f"/voila/render/{HOME_NOTEBOOK}"
c.Spawner.disable_user_config = True  # a learner's ~/.jupyter cannot change what they are served
c.Spawner.environment = {
    "KATLEARN_ROOT": str(COURSE_ROOT),
    # the course's Voila templates (katlearn/server/share); set before the server starts, since
    # with disable_user_config JupyterHub fixes Jupyter's search path at start-up
    "JUPYTER_PATH": str(COURSE_ROOT / "katlearn" / "server" / "share" / "jupyter"),
    "KATLEARN_DB": learner_store,
    "KATLEARN_CLASS_STORES": class_stores,
}
c.Spawner.pre_spawn_hook = pre_spawn
if os.environ.get("KATLEARN_MEM_LIMIT") or "mem_limit" not in c.Spawner:
    c.Spawner.mem_limit = MEM_LIMIT
if os.environ.get("KATLEARN_CPU_LIMIT") or "cpu_limit" not in c.Spawner:
    c.Spawner.cpu_limit = CPU_LIMIT

# --- educators: a custom scope the dashboard checks with the server's own hub token ----------
c.JupyterHub.custom_scopes = {
    EDUCATOR_SCOPE: {"description": "See every learner's katlearn results (educator dashboard)."},
}
c.JupyterHub.load_groups = {EDUCATORS_GROUP: {"users": EDUCATORS}}
c.Spawner.server_token_scopes = [
    "users:activity!user",  # the defaults of the 'server' role
    "access:servers!server",
    "read:users!user",  # lets the server read its own user model (admin flag)
    EDUCATOR_SCOPE,  # kept only if the user holds it
]

# --- sign-in from an LMS (LTI 1.3), when KATLEARN_LTI_CLIENT_ID is set ----------------------
def course_modules() -> list[str]:
    """The pages a launch may open directly (notebook names without .ipynb)."""
    return sorted(p.stem for p in (COURSE_ROOT / "notebooks").glob("*.ipynb"))


if LTI_CLIENT_ID:
    _missing = [name for name, value in (("KATLEARN_LTI_ISSUER", LTI_ISSUER),
                                         ("KATLEARN_LTI_AUTHORIZE_URL", LTI_AUTHORIZE_URL),
                                         ("KATLEARN_LTI_JWKS_URL", LTI_JWKS_URL)) if not value]
    if _missing:
        raise ValueError(f"katlearn: KATLEARN_LTI_CLIENT_ID is set, so LTI sign-in needs {', '.join(_missing)} "
                         "too (see deploy/jupyterhub/README.md)")
    c.JupyterHub.authenticator_class = "katlearn.server._lti_login.CourseLTIAuthenticator"
    c.CourseLTIAuthenticator.client_id = {LTI_CLIENT_ID}
    c.CourseLTIAuthenticator.issuer = LTI_ISSUER
    c.CourseLTIAuthenticator.authorize_url = LTI_AUTHORIZE_URL
    c.CourseLTIAuthenticator.jwks_endpoint = LTI_JWKS_URL
    c.CourseLTIAuthenticator.username_key = LTI_USERNAME_CLAIM
    c.CourseLTIAuthenticator.course_modules = course_modules()
    c.CourseLTIAuthenticator.educators_group = EDUCATORS_GROUP
    c.Authenticator.allow_all = True  # whoever the LMS launches: it decides who is in the course
    # The launch's claims are kept encrypted (needs JUPYTERHUB_CRYPT_KEY) for the grades service.
    c.Authenticator.enable_auth_state = True
    c.JupyterHub.load_groups = {}  # the educators group follows LMS roles (the authenticator manages it)

if LTI_CLIENT_ID and LTI_KEY_FILE and LTI_TOKEN_URL:
    # Only this service holds the tool's key and reads launches (auth_state); educators' dashboards
    # ask it how sending went (KATLEARN_LTI_GRADES_URL in their servers' environment).
    c.JupyterHub.services = [s for s in (c.JupyterHub.services if isinstance(c.JupyterHub.services, list) else [])
                             if s.get("name") != LTI_GRADES_SERVICE] + [{
        "name": LTI_GRADES_SERVICE,
        "url": LTI_GRADES_URL,
        "command": [COURSE_PYTHON, "-m", "katlearn", "lti-grades", "--key-file", LTI_KEY_FILE,
                    "--token-url", LTI_TOKEN_URL, "--class-dir", str(CLASS_DIR), "--state-dir", LTI_STATE_DIR,
                    "--interval-s", str(LTI_GRADES_INTERVAL_S), "--first-retry-s", str(LTI_GRADES_RETRY_S)],
        "environment": {"KATLEARN_ROOT": str(COURSE_ROOT)},
    }]
    c.JupyterHub.load_roles = [r for r in (c.JupyterHub.load_roles if isinstance(c.JupyterHub.load_roles, list) else [])
                               if r.get("name") != LTI_GRADES_SERVICE] + [{
        "name": LTI_GRADES_SERVICE,
        "scopes": ["list:users", "read:users", "admin:auth_state"],
        "services": [LTI_GRADES_SERVICE],
    }]
    c.Spawner.environment = {**c.Spawner.environment, "KATLEARN_LTI_GRADES_URL":
                             lambda spawner: f"{LTI_GRADES_URL}/services/{LTI_GRADES_SERVICE}/"
                             if is_educator(spawner.user) else ""}

# --- idle servers are stopped by JupyterHub's culler service (unless the hub runs one: TLJH) ---
_services = [s for s in (c.JupyterHub.services if isinstance(c.JupyterHub.services, list) else [])
             if s.get("name") != "katlearn-idle-culler"]
_has_culler = any("jupyterhub_idle_culler" in " ".join(map(str, s.get("command", []))) for s in _services)
c.JupyterHub.services = _services + ([] if _has_culler else [{
    "name": "katlearn-idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT_S}"],
}])
c.JupyterHub.load_roles = [
    *[r for r in (c.JupyterHub.load_roles if isinstance(c.JupyterHub.load_roles, list) else [])
      if r.get("name") not in {"katlearn-educator", "katlearn-idle-culler"}],
    {
        "name": "katlearn-educator",
        "description": "Educators: see class results in the katlearn dashboard",
        "scopes": [EDUCATOR_SCOPE],
        "groups": [EDUCATORS_GROUP],
    },
    {
        "name": "katlearn-idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["katlearn-idle-culler"],
    },
]
