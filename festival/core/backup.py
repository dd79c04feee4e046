"""Backups of the whole database: SQLite's online backup, or pg_dump for PostgreSQL."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from festival.core.timeutil import utcnow


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def default_path(folder: Path, url: str) -> Path:
    suffix = "sqlite" if url.startswith("sqlite") else "dump"
    return folder / f"almoggar-{utcnow():%Y%m%d-%H%M%S}.{suffix}"


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at `url` to `target` while it runs."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        try:
            destination = sqlite3.connect(target)
            with destination:
                source.backup(destination)
            destination.close()
        finally:
            source.close()
        return target
    result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner",
                             f"--file={target}", _libpq_url(url)],
                            capture_output=True, text=True)
    if result.returncode != 0:
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
    result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                             "--single-transaction", f"--dbname={_libpq_url(url)}",
                             str(source)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
