"""The dashboards' pages. Attendance is for everyone at the doors (volunteers included) and
refreshes itself from a JSON twin; sales, programme, associations, the comparison across
editions and the exports are for organisers."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from festival.core.access import Role, roles
from festival.core.errors import NotFound
from festival.core.spreadsheet import MIMETYPES
from festival.core.timeutil import to_paris, utcnow
from festival.dashboard import labels, present, queries, rollups
from festival.dashboard.exports import export_file
from festival.dashboard.summary_pdf import edition_summary_pdf
from festival.editions.queries import all_editions, current_edition, edition_for_year
from festival.editions.services.editions import MAX_YEAR, MIN_YEAR
from festival.checkin.occupancy import room_occupancy
from festival.outreach.feedback import best_votes, feedback_summary

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
DOOR = (Role.VOLUNTEER, Role.ORGANISER)
REFRESH_SECONDS = 5


@bp.context_processor
def _globals():
    return {**present.jinja_globals(), "labels": labels, "editions": all_editions()}


def _edition(year: int):
    if not MIN_YEAR <= year <= MAX_YEAR:  # no edition, and no query with a number too large
        raise NotFound("edition_not_found", _("There is no edition in this year."))
    return edition_for_year(year, include_drafts=True)


def _counted(year: int):
    """The edition, its settled scans counted (if due), and one snapshot for the reads."""
    edition = _edition(year)
    rollups.settle_quietly(edition)
    rollups.read_consistently()
    return edition


@bp.get("")
@roles(*DOOR)
def index():
    """The attendance of the current edition (or the most recent one)."""
    edition = current_edition() or next(iter(all_editions()), None)
    if edition is None:
        return render_template("dashboard/no_edition.html")
    return redirect(url_for("dashboard.attendance", year=edition.year))


def _attendance_context(year: int) -> dict:
    edition = _counted(year)
    figures = queries.edition_attendance(edition)
    return {"edition": edition, "a": figures, "updated_at": figures.now}


@bp.get("/<int:year>")
@roles(*DOOR)
def attendance(year: int):
    return render_template("dashboard/attendance.html", refresh=REFRESH_SECONDS,
                           **_attendance_context(year))


@bp.get("/<int:year>/live")
@roles(*DOOR)
def attendance_live(year: int):
    """The attendance page's live part, for its script: HTML to swap in, and the key
    figures."""
    context = _attendance_context(year)
    a = context["a"]
    response = jsonify(
        updated_at=queries.iso(a.now), updated_label=present.clock_seconds(a.now),
        html=render_template("dashboard/_attendance_live.html", **context),
        figures={"tickets_sold": a.sold, "checked_in": a.checked_in, "inside": a.inside,
                 "refusals": a.refusal_total, "entries_today": a.entries_today})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:year>/sales")
@roles(Role.ORGANISER)
def sales(year: int):
    edition = _edition(year)
    figures = queries.edition_sales(edition)
    return render_template("dashboard/sales.html", edition=edition, s=figures,
                           sales_chart=present.sales_chart(
                               figures.per_day, _("Tickets sold per day, and in total")),
                           gauge=present.gauge, updated_at=utcnow())


@bp.get("/<int:year>/programme")
@roles(Role.ORGANISER)
def programme(year: int):
    edition = _edition(year)
    dates, rooms, drafts = queries.rooms_per_day(edition)
    return render_template("dashboard/programme.html", edition=edition, dates=dates,
                           rooms=rooms, drafts=drafts, fill=queries.room_fill(edition),
                           votes=best_votes(edition),
                           occupancy=list(room_occupancy(edition).values()),
                           speakers=queries.speakers_per_association(edition),
                           updated_at=utcnow())


@bp.get("/<int:year>/feedback")
@roles(Role.ORGANISER)
def feedback(year: int):
    """The attendees' answers to the feedback form sent after the festival."""
    edition = _edition(year)
    figures = feedback_summary(edition)
    return render_template("dashboard/feedback.html", edition=edition, f=figures,
                           updated_at=utcnow())


@bp.get("/<int:year>/associations")
@roles(Role.ORGANISER)
def associations(year: int):
    edition = _edition(year)
    return render_template("dashboard/associations.html", edition=edition,
                           f=queries.association_figures(edition), updated_at=utcnow())


@bp.get("/editions")
@roles(Role.ORGANISER)
def comparison():
    for edition in all_editions():
        rollups.settle_quietly(edition)
    rollups.read_consistently()
    pace = queries.sales_pace()
    return render_template("dashboard/comparison.html", rows=queries.comparison(),
                           pace=pace, pace_chart=present.pace_chart(pace),
                           horizon=pace.horizon,
                           nav_edition=current_edition(), updated_at=utcnow())


@bp.get("/<int:year>/export/<any(orders, tickets, attendees, scans, exhibitors, answers)"
        ":dataset>.<any(csv, xlsx):fmt>")
@roles(Role.ORGANISER)
def export(year: int, dataset: str, fmt: str):
    edition = _edition(year)
    stamp = to_paris(utcnow()).strftime("%Y-%m-%d")
    return Response(export_file(edition, dataset, fmt), mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="almoggar-'
                                                    f'{edition.year}-{dataset}-{stamp}.{fmt}"',
                             "Cache-Control": "no-store"})


@bp.get("/<int:year>/summary.pdf")
@roles(Role.ORGANISER)
def summary_pdf(year: int):
    edition = _counted(year)
    return Response(edition_summary_pdf(edition), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="almoggar-'
                                                    f'{edition.year}-summary.pdf"',
                             "Cache-Control": "no-store"})
