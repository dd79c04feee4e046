"""The organisers' read-only view of the audit log."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from festival.audit.queries import PAGE, entries
from festival.core.access import Role, roles
from festival.core.paging import page_number

bp = Blueprint("audit", __name__)


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/manage/audit")
@roles(Role.ORGANISER)
def log():
    page = page_number()
    filters = {"who": request.args.get("who", "")[:100],
               "action": request.args.get("action", "")[:100],
               "day_from": _day("from"), "day_to": _day("to")}
    rows, total = entries(page=page, **filters)
    return render_template("audit/log.html", rows=rows, total=total, page=page,
                           pages=max((total + PAGE - 1) // PAGE, 1), filters=filters)
