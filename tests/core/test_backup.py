"""Backup and restore round-trip a populated database (SQLite and PostgreSQL)."""
import os
import sqlite3
import stat
import subprocess

import pytest
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.associations.models import Association
from festival.extensions import db
from tests import factories


def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count(User.id))),
                db.session.scalar(select(func.count(Association.id))),
                sorted(db.session.scalars(select(Association.name))))


def test_backup_then_restore_round_trips(app, runner, tmp_path):
    with app.app_context():
        for n in range(3):
            factories.gen_association(name=f"Association n°{n} — Tiznit")
        factories.gen_user("organiser")
        db.session.commit()
    before = _counts(app)
    target = tmp_path / "backup.bin"
    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert target.stat().st_size > 0

    with app.app_context():  # damage: lose rows after the backup
        db.session.execute(db.delete(Association))
        factories.gen_user("volunteer")
        db.session.commit()
    assert _counts(app) != before

    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _counts(app) == before


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path, app):
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code == 1 and "Error:" in result.output
    missing = runner.invoke(args=["restore", str(tmp_path / "nope"), "--yes"])
    assert missing.exit_code != 0


def test_a_backup_is_private_from_its_first_byte(tmp_path):
    """Created 0600 in a folder made 0700, whatever the umask: it holds private keys and
    personal data."""
    from festival.core import backup as backups

    database = tmp_path / "live.sqlite"
    sqlite3.connect(database).close()
    target = tmp_path / "new" / "backups" / "copy.sqlite"
    umask = os.umask(0o022)  # the usual one, which lets everyone read a new file
    try:
        backups.backup(f"sqlite:///{database}", target)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    with pytest.raises(backups.BackupError, match="exists already"):
        backups.backup(f"sqlite:///{database}", target)  # never over another file


class _FakeTool:
    """subprocess.run in place of pg_dump and pg_restore: what they were given."""

    def __init__(self):
        self.calls = []

    def __call__(self, argv, **kwargs):
        target = next((a.split("=", 1)[1] for a in argv if a.startswith("--file=")), None)
        mode = stat.S_IMODE(os.stat(target).st_mode) if target and os.path.exists(target) \
            else None
        self.calls.append({"argv": argv, "env": kwargs.get("env"), "mode": mode})
        if target:
            with open(target, "wb") as dump:  # as pg_dump does
                dump.write(b"PGDMP")
        return subprocess.CompletedProcess(argv, 0, "", "")


def test_the_database_password_is_never_on_a_command_line(tmp_path, monkeypatch):
    from festival.core import backup as backups

    fake = _FakeTool()
    monkeypatch.setattr(backups.subprocess, "run", fake)
    monkeypatch.setattr(backups.shutil, "which", lambda name: f"/usr/bin/{name}")
    url = "postgresql+psycopg://almoggar:s3cr3t-Pa55@db.example:5432/almoggar"
    target = tmp_path / "almoggar.dump"
    backups.backup(url, target)
    backups.restore(url, target)

    assert [call["argv"][0] for call in fake.calls] == ["/usr/bin/pg_dump",
                                                        "/usr/bin/pg_restore"]
    for call in fake.calls:
        assert not any("s3cr3t-Pa55" in part for part in call["argv"]), call["argv"]
        assert any("db.example" in part and "almoggar" in part for part in call["argv"])
        assert call["env"]["PGPASSWORD"] == "s3cr3t-Pa55"
    assert fake.calls[0]["mode"] == 0o600  # the file pg_dump writes into is private already


def test_a_password_in_the_query_string_goes_to_the_environment_too(tmp_path, monkeypatch):
    from festival.core import backup as backups

    fake = _FakeTool()
    monkeypatch.setattr(backups.subprocess, "run", fake)
    monkeypatch.setattr(backups.shutil, "which", lambda name: f"/usr/bin/{name}")
    url = "postgresql://almoggar@db.example/almoggar?password=s3cr3t-Pa55&sslmode=require"
    target = tmp_path / "almoggar.dump"
    backups.backup(url, target)
    backups.restore(url, target)

    for call in fake.calls:
        assert not any("s3cr3t-Pa55" in part for part in call["argv"]), call["argv"]
        assert any("sslmode=require" in part for part in call["argv"]), call["argv"]
        assert call["env"]["PGPASSWORD"] == "s3cr3t-Pa55"
