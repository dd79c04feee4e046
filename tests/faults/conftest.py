"""Fault-test fixtures: a PostgreSQL database of its own, the Stripe double, and the
application served by gunicorn in a process group of its own, so that a test can SIGKILL the
whole server (master and workers at once, as a crash of the machine would) and start it again
on the same port. Then the clients' side: requests that tell a refusal from an answer cut
off, client threads, and the switch that pulls the plug."""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import pytest

from festival import MIGRATIONS
from festival.extensions import db

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "fault-test-" + "x" * 32
WORKERS = 2
START_TIMEOUT = 30  # seconds for gunicorn to answer /healthz


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _live_members(group: int) -> list[int]:
    """Processes of this process group that are not zombies (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


class AppServer:
    """gunicorn (sync workers, production settings) on a fixed loopback port."""

    def __init__(self, database_url: str, stripe, log_path: Path):
        self.port = free_port()
        self.workers = WORKERS
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 (closed by close())
        self.process: subprocess.Popen | None = None
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/"),
            "LANG": "C.UTF-8",
            "FESTIVAL_ENV": "production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "RATELIMIT_ENABLED": "false",
            "STRIPE_SECRET_KEY": stripe.secret_key,
            "STRIPE_API_BASE": stripe.base_url,
            "STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
        }

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        # The project's gunicorn.conf.py applies (it is read from the working directory);
        # worker recycling is off so that no worker restarts on its own during a burst.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--max-requests", "0",
             "--log-level", "warning", "festival:create_app()"],
            cwd=ROOT, env=self.env, start_new_session=True, stdout=self._log,
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
            finally:
                connection.close()
        self.kill()
        raise AssertionError(f"gunicorn did not start; its log:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: nothing is finished, nothing is answered."""
        if self.process is None:
            return
        group = self.process.pid  # start_new_session: the master leads its group
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(30)
        deadline = time.monotonic() + 10
        while _live_members(group) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _live_members(group), "gunicorn workers outlived the kill"

    def close(self) -> None:
        self.kill()
        self.process = None
        self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def fault_database():
    """A PostgreSQL database for this module alone (skipped without one); dropped
    afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql")):
        pytest.skip("the server-kill fault test runs gunicorn on PostgreSQL "
                    "(set TEST_DATABASE_URL)")
    from tests.conftest import _create_postgres_database, _drop_postgres_database
    admin, url = _create_postgres_database(base)
    try:
        yield url
    finally:
        _drop_postgres_database(admin, url)


@pytest.fixture(scope="module")
def fault_app(fault_database):
    """An application on the fault database, in this process: to seed and to read rows."""
    from flask_migrate import upgrade

    from tests.conftest import make_app
    application = make_app({"FESTIVAL_ENV": "development", "DATABASE_URL": fault_database,
                            "SECRET_KEY": SECRET_KEY, "PUBLIC_URL": "http://127.0.0.1"})
    with application.app_context():
        upgrade(directory=str(MIGRATIONS), revision="head")
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def fault_stripe():
    from tests.stripe_double import StripeDouble
    double = StripeDouble().start()
    yield double
    double.stop()


@pytest.fixture(scope="module")
def app_server(fault_app, fault_database, fault_stripe, tmp_path_factory):
    """gunicorn on the fault database, started; killed and its log closed at the end."""
    server = AppServer(fault_database, fault_stripe,
                       tmp_path_factory.mktemp("faults") / "gunicorn.log")
    try:
        server.start()
        yield server
    finally:
        server.close()


# The clients' side ---------------------------------------------------------------------------

def post(port: int, path: str, body: bytes, headers: dict) -> tuple[int | str, dict | None]:
    """(status, JSON) of one request on its own connection; without an answer, the status
    says why: "refused" (the server is down) or "cut" (sent, and no answer came back)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
    except ConnectionRefusedError:
        return "refused", None
    except (OSError, http.client.HTTPException):
        return "cut", None
    finally:
        connection.close()
    try:
        return response.status, json.loads(payload)
    except ValueError:
        return response.status, None


class KillSwitch:
    """Kills the server (SIGKILL to its process group) once `after` answers are acknowledged,
    at the first instant the database is ahead of the answers: a write committed whose answer
    has not reached its client yet, the worst moment to die. `committed()` counts the writes
    in the database; if none is caught in flight before answer number `latest`, the kill
    comes then. Without `after`, it only counts."""

    def __init__(self, server, after: int | None = None, committed=None,
                 latest: int | None = None):
        self.server, self.after, self.latest, self.committed = server, after, latest, committed
        self.acknowledged = 0   # answers received
        self.writes = 0         # of which, answers of a write (a row committed)
        self.caught_ahead = False
        self._lock = threading.Lock()
        self._armed = threading.Event()
        self._done = threading.Event()
        self._watcher: threading.Thread | None = None
        self._error: BaseException | None = None

    def answered(self, *, write: bool) -> None:
        with self._lock:
            self.acknowledged += 1
            self.writes += write
            if self.acknowledged == self.after:
                self._armed.set()

    def __enter__(self) -> Self:
        if self.after is not None:
            self._watcher = threading.Thread(target=self._watch, daemon=True)
            self._watcher.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._armed.set()
        if self._watcher is not None:
            self._watcher.join(60)
        if self._error is not None:
            raise self._error

    def _watch(self) -> None:
        try:
            self._armed.wait()
            if self._done.is_set():
                return
            while not self._done.is_set() and self.acknowledged < self.latest:
                in_database = self.committed()  # read before the answers: they only grow
                if in_database > self.writes:
                    self.caught_ahead = True
                    break
                time.sleep(0.001)
            self.server.kill()
        except BaseException as error:  # noqa: BLE001 (raised again by __exit__)
            self._error = error


@contextmanager
def counting(database_url: str, sql: str, *params):
    """A function giving `sql`'s count now, on a connection of its own."""
    import psycopg
    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as connection:
        yield lambda: connection.execute(sql, params).fetchone()[0]


def run_clients(target, shares: list[list]) -> None:
    """One thread per share, calling `target(item)` for each item in turn; an exception in a
    thread fails the test (with its traceback) instead of passing unnoticed."""
    errors: list[BaseException] = []

    def client(share: list) -> None:
        try:
            for item in share:
                target(item)
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=client, args=(share,), daemon=True)
               for share in shares if share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a client thread hangs"
    if errors:
        raise errors[0]
