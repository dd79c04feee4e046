"""Backup and restore round-trip a populated database (SQLite and PostgreSQL)."""
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
