"""Backups of the whole database: SQLite's online backup, or pg_dump for PostgreSQL.

A backup holds the editions' private signing keys and everyone's personal data: its file is
created readable by its owner alone (0600, in a folder made 0700), before its first byte is
written. The database password never goes on pg_dump's or pg_restore's command line (every
local user can read it with `ps`): it goes through their environment (PGPASSWORD), whether
the URL holds it before the host or as a `password` query parameter (which libpq accepts too).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from festival.core.timeutil import utcnow


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The libpq URL of `url` without its password, and the environment for a client
    program that carries the password instead."""
    parsed = make_url(url)
    env = dict(os.environ)
    query = dict(parsed.query)
    in_query = query.pop("password", None)
    if isinstance(in_query, tuple):  # given more than once: libpq takes the last
        in_query = in_query[-1] if in_query else None
    # libpq reads the query after the part before the host: the query's password wins.
    password = in_query if in_query is not None else parsed.password
    if password is not None:
        env["PGPASSWORD"] = str(password)
    plain = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port,
                       parsed.database, query)
    return plain.render_as_string(hide_password=False), env


def _create_private(target: Path) -> None:
    """Create `target` empty and readable by its owner alone (its folder too, when it has
    to be made); an existing file is not overwritten."""
    if not target.parent.exists():
        target.parent.mkdir(mode=0o700, parents=True)
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise BackupError(f"{target} exists already: choose another file") from None


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def default_path(folder: Path, url: str) -> Path:
    suffix = "sqlite" if url.startswith("sqlite") else "dump"
    return folder / f"almoggar-{utcnow():%Y%m%d-%H%M%S}.{suffix}"


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at `url` to `target` (a new file, 0600)
    while it runs."""
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        try:
            _create_private(target)  # SQLite writes into it (and its journal) with its mode
            destination = sqlite3.connect(target)
            with destination:
                source.backup(destination)
            destination.close()
        finally:
            source.close()
        return target
    pg_dump, (libpq_url, env) = _tool("pg_dump"), _libpq(url)
    _create_private(target)  # pg_dump writes into it, keeping its mode
    result = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={target}",
                             libpq_url], check=False, capture_output=True, text=True,
                            env=env)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    return target


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` with the backup in `source`."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if url.startswith("sqlite"):
        try:
            origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            origin.execute("SELECT count(*) FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not an Almoggar SQLite backup: {error}") from None
        destination = sqlite3.connect(_sqlite_path(url))
        try:
            with destination:
                origin.backup(destination)
        finally:
            origin.close()
            destination.close()
        return
    libpq_url, env = _libpq(url)
    result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                             "--single-transaction", f"--dbname={libpq_url}", str(source)],
                            check=False, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
