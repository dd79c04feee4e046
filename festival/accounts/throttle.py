"""Failed logins, counted per (e-mail address typed, client address; an IPv6 client by its /64).

A lock of the whole account let anyone lock anyone out (five wrong passwords for the
treasurer on festival day). Here only the client that fails waits: after MAX_FAILED_LOGINS
failures, BACKOFF_START, then twice as long after each further failure (up to BACKOFF_MAX).
The key is the address as typed, known or not, so a lock tells nothing about an account.
A success from that client, a new password or an administrator clears the count. Rows with
no failure for FORGET_AFTER are deleted whenever a failure is recorded, so random addresses
cannot make the table grow without bound (the login rate limit caps how fast they come).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from festival.accounts.models import LoginThrottle
from festival.core.security import client_key as network_client_key
from festival.extensions import db

MAX_FAILED_LOGINS = 5
BACKOFF_START = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
FORGET_AFTER = timedelta(days=1)


def email_key(raw: str) -> str:
    return (raw or "").strip().lower()[:254]


def client_key(raw: str) -> str:
    """An IPv4 address, or an IPv6 address's /64 (core.security.client_key)."""
    return network_client_key(raw)


def _row(email: str, client: str) -> LoginThrottle | None:
    return db.session.scalar(select(LoginThrottle).where(
        LoginThrottle.email == email, LoginThrottle.client == client))


def locked_until(email: str, client: str, now: datetime) -> datetime | None:
    """When this client may try this address again, if it must wait."""
    row = _row(email_key(email), client_key(client))
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


def backoff(failures: int) -> timedelta | None:
    """The wait after `failures` failures in a row: none below MAX_FAILED_LOGINS, then
    1, 2, 4 … minutes, at most BACKOFF_MAX."""
    if failures < MAX_FAILED_LOGINS:
        return None
    return min(BACKOFF_START * 2 ** min(failures - MAX_FAILED_LOGINS, 16), BACKOFF_MAX)


def record_failure(email: str, client: str, now: datetime) -> datetime | None:
    """Count one failure; returns the end of the wait it starts, if any."""
    email, client = email_key(email), client_key(client)
    db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < now - FORGET_AFTER))
    row = _row(email, client)
    if row is None:
        row = LoginThrottle(email=email, client=client, failures=0, last_failure_at=now)
        try:
            with db.session.begin_nested():  # the same client failing twice at once
                db.session.add(row)
        except IntegrityError:
            row = _row(email, client)
    row.failures += 1
    row.last_failure_at = now
    wait = backoff(row.failures)
    row.locked_until = now + wait if wait else None
    db.session.flush()
    return row.locked_until


def clear(email: str, client: str | None = None) -> int:
    """Forget the failures for this address (from one client, or from all). Returns how many
    clients were waiting or counting."""
    query = delete(LoginThrottle).where(LoginThrottle.email == email_key(email))
    if client is not None:
        query = query.where(LoginThrottle.client == client_key(client))
    return db.session.execute(query).rowcount or 0


def locked_emails(now: datetime) -> set[str]:
    """The addresses that some client waits for (for the users' page)."""
    return set(db.session.scalars(select(LoginThrottle.email).where(
        LoginThrottle.locked_until > now).distinct()))
