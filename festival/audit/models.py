"""The audit log: one row per back-office action. The application never updates or deletes
these rows; there is no route that could."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.timeutil import utcnow
from festival.core.types import UTCDateTime
from festival.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at"),
                      Index("ix_audit_entries_action", "action"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    # Who, as shown: the user's e-mail, or "token: <name>" for an API token.
    actor_label: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(120))     # the endpoint, e.g. associations.approve
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    target: Mapped[str] = mapped_column(String(300), default="")  # URL parameters
    details: Mapped[str] = mapped_column(Text, default="")        # form fields, secrets removed
    status: Mapped[int] = mapped_column()
    # done: the action was committed with this entry; refused: it was rolled back.
    outcome: Mapped[str] = mapped_column(String(10), default="done", server_default="done")
    ip: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
