"""What the benchmarks share: a free port, a PostgreSQL database of their own, and the
application served by gunicorn as in production."""
from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bench-" + "x" * 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database(base_url: str, label: str) -> tuple[str, str]:
    """A fresh database beside the one `base_url` names; returns (name, its URL)."""
    import psycopg
    name = f"almoggar_bench_{label}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, base_url.rsplit("/", 1)[0] + "/" + name


def drop_database(base_url: str, name: str) -> None:
    import psycopg
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_gunicorn(url: str, port: int, log_path: Path, *, workers: int,
                   options: Sequence[str] = (),
                   environ: Mapping[str, str] | None = None) -> subprocess.Popen:
    """gunicorn (`workers` workers, and any other `options`) serving the application as in
    production on 127.0.0.1:`port`, in a process group of its own, its output in `log_path`;
    returned once GET /healthz answers 200. Rate limits are off: the load comes from one
    address. `environ` adds to the server's environment (libfaketime's, say)."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET_KEY, FESTIVAL_ENV="production",
               RATELIMIT_ENABLED="false", PUBLIC_URL=f"http://127.0.0.1:{port}",
               **(environ or {}))
    log = open(log_path, "w")  # noqa: SIM115  (the server writes to it as long as it runs)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", *options, "--log-level", "warning",
         "festival:create_app()"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                server.log = log  # closed by stop_gunicorn
                return server
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    server.kill()
    log.close()
    raise SystemExit(f"gunicorn did not start (see {log_path})")


def stop_gunicorn(server: subprocess.Popen) -> None:
    """Stop the master and its workers (the whole process group), waiting for them."""
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    server.log.close()
