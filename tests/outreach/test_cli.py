"""`flask --app festival mail schedule` as it runs in production: a process of its own, whose
real clock libfaketime moves to the day before the festival."""
from __future__ import annotations

import math
import os
import subprocess
import sys
import time as clock
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.outreach.models import RuleKind
from tests.conftest import IN_CI
from tests.outreach.conftest import DAY1, at, make_edition, paid_order, switch_on
from tests.ticketing.conftest import make_type

ROOT = Path(__file__).resolve().parents[2]
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def schedule_at(test_environ, moment) -> str:
    """Run the command with the process's clock at `moment` (and ticking from there)."""
    # An offset from the real clock, as the door's night test moves its server: an absolute
    # start ("@2027-…") leaves the process's timed waits hanging.
    offset = math.ceil(moment.timestamp() - clock.time())
    # No rate limits (a command serves no request): their in-memory storage starts a timer
    # thread whose wait, on the moved monotonic clock, would keep the process from exiting.
    env = dict(os.environ, **test_environ, LD_PRELOAD=str(LIBFAKETIME), TZ="UTC",
               FAKETIME=f"+{offset}", RATELIMIT_ENABLED="false")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "festival", "mail",
                           "schedule"], cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not IN_CI and not LIBFAKETIME.exists(),
                    reason="libfaketime is needed (Debian's faketime; CI has it)")
def test_mail_schedule_under_the_moved_clock(app, test_environ):
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, quota=10)
        order = paid_order(edition, pass_type, at(DAY1 - timedelta(days=7), "12:00"))
        rule = switch_on(edition, RuleKind.REMINDER)
        order_id, rule_id = order.id, rule.id
        db.session.commit()

    the_day_before = DAY1 - timedelta(days=1)
    said = schedule_at(test_environ, at(the_day_before, "09:58"))
    assert "Queued 0 automatic messages (0 rule occasions due)." in said
    said = schedule_at(test_environ, at(the_day_before, "10:01"))
    assert f"rule:{rule_id}:{DAY1.isoformat()} (reminder, {DAY1.isoformat()}): 1 message queued." \
        in said
    said = schedule_at(test_environ, at(the_day_before, "10:02"))
    assert "Queued 0 automatic messages (1 rule occasion due)." in said

    with app.app_context():
        queued = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.template == "rule_reminder")).all()
        assert [(m.context["order_id"], m.batch) for m in queued] == [
            (order_id, f"rule:{rule_id}:{DAY1.isoformat()}")]
        # Queued at the moved clock's time: the process really believed it was that day.
        assert at(the_day_before, "10:01") <= queued[0].created_at < at(the_day_before, "10:02")


def test_the_loop_queues_what_becomes_due_and_stops_on_sigterm(app, test_environ):
    import signal
    import time as clock_time
    from datetime import date

    from festival.core.timeutil import utcnow
    from festival.editions.models import EditionStatus, EditionStatusChange
    with app.app_context():
        past_day = date(2024, 5, 18)
        past = make_edition(2024, days=(past_day,))
        paid_order(past, make_type(past, quota=5), at(past_day - timedelta(days=7), "12:00"),
                   consent=True)
        coming = make_edition(utcnow().year + 2, days=(date(utcnow().year + 2, 5, 13),))
        db.session.add(EditionStatusChange(edition=coming, from_status=EditionStatus.DRAFT,
                                           to_status=EditionStatus.PUBLISHED,
                                           created_at=utcnow() - timedelta(minutes=1)))
        switch_on(coming, RuleKind.ANNOUNCEMENT)
        db.session.commit()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "festival", "mail", "schedule", "--loop",
         "--interval", "1"], cwd=ROOT, env=dict(os.environ, **test_environ),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = clock_time.monotonic() + 30
        queued = []
        while not queued and clock_time.monotonic() < deadline:
            clock_time.sleep(0.2)
            with app.app_context():
                queued = db.session.scalars(select(OutboxMessage.to_address).where(
                    OutboxMessage.template == "rule_announcement")).all()
        assert queued == ["amina@example.fr"]
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert "Queued 1 automatic message(s)." in output
    assert "Message scheduler stopped." in output
