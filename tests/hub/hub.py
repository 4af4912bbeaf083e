"""A real JupyterHub on loopback for tests: the deploy config plus test-only settings.

- configurable-http-proxy: ``$KATLEARN_CHP``, else on PATH, else installed with npm into
  ``<venv>/katlearn-node`` (reused by later runs) or, if that is not writable, a temp folder;
- every port in 8900-8949; every file of hub state (jupyterhub.sqlite, cookie secret, proxy token,
  pid files, homes, class stores) in one temp folder;
- SharedPasswordAuthenticator (learners share one password, admins another), or the deploy
  config's LTI 1.3 login when given its settings, and SimpleLocalProcessSpawner (every user's server is a local process of this user);
- a ``test-driver`` service token to create users and start their servers through the REST API.

Stopping it ends the hub and then, by process id, anything it started that is still running
(found by a marker variable in their environment).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PORTS = range(8900, 8950)
CHP_VERSION = "^4"
START_TIMEOUT_S = 150
LEARNER_PASSWORD = "learner-" + secrets.token_hex(8)
ADMIN_PASSWORD = "educator-" + secrets.token_hex(16)


REQUIRE = os.environ.get("KATLEARN_REQUIRE_HUB") == "1"  # make test-hub: a hub test that cannot run fails


def unavailable(why: str):
    """Fail (under make test-hub) or skip a hub test that cannot run here, saying why."""
    import pytest

    if REQUIRE:
        pytest.fail(f"hub test cannot run: {why}")
    pytest.skip(why)


class HubUnavailable(RuntimeError):
    """Something the hub test needs is missing; the message says what to install."""


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int, taken: set[int] = frozenset()) -> list[int]:
    found = [p for p in PORTS if p not in taken and port_is_free(p)][:count]
    if len(found) < count:
        raise HubUnavailable(f"need {count} free ports in {PORTS.start}-{PORTS.stop - 1}, found {len(found)}")
    return found


def find_chp() -> str:
    """The configurable-http-proxy command, installing it with npm if needed."""
    env = os.environ.get("KATLEARN_CHP")
    if env:
        if shutil.which(env):
            return shutil.which(env)  # type: ignore[return-value]
        raise HubUnavailable(f"KATLEARN_CHP={env!r} is not an executable")
    on_path = shutil.which("configurable-http-proxy")
    if on_path:
        return on_path
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        raise HubUnavailable("configurable-http-proxy is missing and there is no node/npm to install it "
                             "(apt-get install nodejs npm, or set KATLEARN_CHP)")
    for prefix in (Path(sys.prefix) / "katlearn-node", Path(tempfile.gettempdir()) / "katlearn-node"):
        binary = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
        if binary.exists():
            return str(binary)
        try:
            prefix.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        done = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--no-save",
                               "--loglevel=error", f"configurable-http-proxy@{CHP_VERSION}"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode == 0 and binary.exists():
            return str(binary)
    raise HubUnavailable("npm could not install configurable-http-proxy: " + (done.stderr or done.stdout)[-500:])


SHARED_PASSWORD_LOGIN = """\
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {learner_password!r}
c.SharedPasswordAuthenticator.admin_password = {admin_password!r}
"""

TEST_CONFIG = """\
# Written by tests/hub/hub.py: the deploy config, then test-only settings.
import os
load_subconfig({deploy!r})

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {public}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.pid_file = {state!r} + "/proxy.pid"
c.JupyterHub.db_url = "sqlite:///" + {state!r} + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {state!r} + "/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = {state!r} + "/jupyterhub.pid"

{auth}
c.Authenticator.admin_users = set({admins!r})
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {state!r} + "/home/{{username}}"
c.Spawner.http_timeout = {start_timeout}
c.Spawner.start_timeout = {start_timeout}
c.Spawner.args = list(c.Spawner.args) + (["--allow-root"] if os.geteuid() == 0 else [])
c.Spawner.environment = {{**c.Spawner.environment, "KATLEARN_HUB_TEST": {marker!r},
                          "PYTHONWARNINGS": "ignore::DeprecationWarning"}}

_deploy_hook = c.Spawner.pre_spawn_hook
_assigned = set({reserved!r})
def _pre_spawn(spawner):
    _deploy_hook(spawner)
    import socket
    for port in range({low}, {high}):
        if port in _assigned:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _assigned.add(port)
        spawner.port = port
        return
    raise RuntimeError("no free port left for a single-user server")
c.Spawner.pre_spawn_hook = _pre_spawn

c.JupyterHub.services = list(c.JupyterHub.services) + [{{"name": "test-driver", "api_token": {token!r}}}]
c.JupyterHub.load_roles = list(c.JupyterHub.load_roles) + [{{
    "name": "test-driver",
    "scopes": ["admin:users", "admin:servers", "list:users", "read:users", "list:services", "read:services"],
    "services": ["test-driver"],
}}]
"""


@dataclass
class Hub:
    url: str  # public, e.g. http://127.0.0.1:8900/
    state: Path
    class_dir: Path
    log_path: Path
    process: subprocess.Popen
    token: str
    marker: str
    ports: list[int] = field(default_factory=list)

    # -- REST API (as the test-driver service) ----------------------------------------------

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | list | None]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + "hub/api/" + path.lstrip("/"), data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw) if raw else None
            except ValueError:
                return exc.code, {"raw": raw.decode(errors="replace")}

    def start_servers(self, *users: str) -> None:
        """Create the users and ask for all their servers at once (they spawn concurrently)."""
        missing = [u for u in users if self.api("GET", f"users/{u}")[0] == 404]
        if missing:
            status, body = self.api("POST", "users", {"usernames": missing})
            assert status == 201, (status, body)
        for user in users:
            status, body = self.api("POST", f"users/{user}/server")
            assert status in (201, 202, 400), (status, body)  # 400: already running

    def wait_ready(self, *users: str, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        pending = set(users)
        while pending and time.monotonic() < deadline:
            for user in list(pending):
                _status, model = self.api("GET", f"users/{user}")
                server = (model or {}).get("servers", {}).get("") if isinstance(model, dict) else None
                if server and server.get("ready"):
                    pending.discard(user)
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}:\n{self.log_tail()}")
            time.sleep(1)
        if pending:
            raise RuntimeError(f"servers of {sorted(pending)} not ready in {timeout_s:.0f} s:\n{self.log_tail()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    # -- stopping ---------------------------------------------------------------------------

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for pid in self._leftovers():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pid_file = self.state / "proxy.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
            except (ValueError, ProcessLookupError, PermissionError):
                pass

    def _leftovers(self) -> list[int]:
        """Processes this hub started (they carry our marker) that are still running."""
        found = []
        needle = f"KATLEARN_HUB_TEST={self.marker}".encode()
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
        return [pid for pid in found if pid != os.getpid()]


def start_hub(admins: tuple[str, ...] = ("edna",), lti_env: dict[str, str] | None = None,
              ports: list[int] | None = None) -> Hub:
    """A hub with a shared-password login, or with ``lti_env`` (the deploy config's KATLEARN_LTI_*
    settings) its LTI 1.3 login and grades service; ``ports``: public, hub, proxy API."""
    try:
        import jupyterhub  # noqa: F401
        import jupyterhub_idle_culler  # noqa: F401
    except ImportError as exc:
        raise HubUnavailable(f"{exc.name} is not installed (pip install jupyterhub jupyterhub-idle-culler)") from None
    chp = find_chp()
    state = Path(tempfile.mkdtemp(prefix="katlearn-hub-"))
    class_dir = state / "class"
    class_dir.mkdir()
    public, hub_port, proxy_api = ports or free_ports(3)
    marker = state.name
    token = secrets.token_hex(32)
    config = state / "jupyterhub_config.py"
    config.write_text(TEST_CONFIG.format(
        auth="" if lti_env else SHARED_PASSWORD_LOGIN.format(learner_password=LEARNER_PASSWORD,
                                                              admin_password=ADMIN_PASSWORD),
        deploy=str(DEPLOY_CONFIG), public=public, hub=hub_port, proxy_api=proxy_api, chp=chp, state=str(state),
        admins=sorted(admins),
        start_timeout=START_TIMEOUT_S, marker=marker, reserved=sorted({public, hub_port, proxy_api}),
        low=PORTS.start, high=PORTS.stop, token=token,
    ), encoding="utf-8")
    env = dict(os.environ)
    env.update({
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(32),
        "KATLEARN_CLASS_DIR": str(class_dir),
        "KATLEARN_EDUCATORS": "",
        "KATLEARN_HUB_TEST": marker,
        **(lti_env or {}),
    })
    log_path = state / "hub.log"
    log = open(log_path, "w", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=state, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{public}/", state, class_dir, log_path, process, token, marker,
              [public, hub_port, proxy_api])
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited with {process.returncode}:\n{hub.log_tail()}")
        try:
            status, _body = hub.api("GET", "")
            if status == 200:
                return hub
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    hub.stop()
    raise RuntimeError(f"jupyterhub did not answer within {START_TIMEOUT_S} s:\n{hub.log_tail()}")
