import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import MailStatus, OutboxMessage
from festival.mail.services import queue_mail

ROOT = Path(__file__).resolve().parents[2]


def test_mail_test_queues_and_mail_send_delivers(runner, app, smtp_server):
    queued = runner.invoke(args=["mail", "test", "amina@example.org", "--language", "en"])
    assert queued.exit_code == 0, queued.output
    assert "amina@example.org" in queued.output
    sent = runner.invoke(args=["mail", "send"])
    assert sent.exit_code == 0, sent.output
    assert "Sent 1 message." in sent.output
    [received] = smtp_server.messages
    assert received["To"] == "amina@example.org"
    parts = [part.get_content_type() for part in received.walk()]
    assert "image/png" in parts and received.get_body(("html",)) is not None
    [image] = [part for part in received.walk() if part["Content-ID"]]
    html = received.get_body(("html",)).get_content()
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
    again = runner.invoke(args=["mail", "send"])
    assert "Sent 0 messages." in again.output


def test_mail_test_refuses_a_bad_address(runner, app):
    result = runner.invoke(args=["mail", "test", "not an address"])
    assert result.exit_code == 1
    assert "e-mail" in result.output and "Error" in result.output
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).all() == []


def test_mail_send_refuses_in_production_without_smtp(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "FESTIVAL_ENV", "production")
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "MAIL_SERVER" in result.output


def test_loop_sends_as_messages_arrive_and_stops_on_sigterm(app, test_environ, smtp_server):
    environ = dict(os.environ, **test_environ, MAIL_SERVER="127.0.0.1",
                   MAIL_PORT=str(smtp_server.port))
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "festival", "mail", "send", "--loop",
         "--interval", "0.2"], cwd=ROOT, env=environ, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        with app.app_context():
            queue_mail("loop@example.org", "test", {"site": "x"}, "fr", "Loop")
            db.session.commit()
        deadline = time.monotonic() + 20
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [m["To"] for m in smtp_server.messages] == ["loop@example.org"]
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert "Mail sender stopped." in output
    with app.app_context():
        [status] = db.session.scalars(select(OutboxMessage.status)).all()
        assert status is MailStatus.SENT
