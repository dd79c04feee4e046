"""What the benchmarks share: a free port, and a PostgreSQL database of their own."""
from __future__ import annotations

import os
import secrets
import socket


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
