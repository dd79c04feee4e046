"""The registry as a CSV file: export for spreadsheets, import that creates or updates by slug.

Export: UTF-8 with a byte-order mark and `;` between columns, as Excel in French expects;
themes and poles are codes joined by `;` inside their (quoted) cell. Cells that a spreadsheet
would run as a formula get a leading apostrophe, which the import removes again.
Import: all or nothing. Every bad row is reported with its line number and reason, and then
nothing at all is imported.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, time

from flask_babel import lazy_gettext as _l

from festival.accounts.models import User
from festival.associations import services
from festival.associations.labels import (
    POLE_LABELS,
    PROVINCE_LABELS,
    STATUS_LABELS,
    THEME_LABELS,
)
from festival.associations.models import Association, MembershipStatus
from festival.associations.queries import association_by_slug
from festival.associations.validation import ALL_FIELDS, MAX_LENGTHS, clean_fields, slugify
from festival.core.errors import DomainError, ValidationError
from festival.core.spreadsheet import DAY, INSTANT, Column, Table
from festival.core.timeutil import paris_to_utc, to_paris
from festival.extensions import db

COLUMNS = ("slug", "name", "status", "member_since", "short_description", "description",
           "city", "postcode", "province", "commune", "themes", "poles", "email", "phone",
           "website", "created_at")
EXPORT_ONLY = {"created_at"}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 2 * len(COLUMNS)  # room for a few empty trailing columns, no more
MAX_CELL = max(MAX_LENGTHS.values())  # the longest text any field accepts
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def export_csv(associations: list[Association]) -> bytes:
    """Every association with all its fields, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for a in associations:
        row = {
            "slug": a.slug, "name": a.name, "status": a.status.value,
            "member_since": to_paris(a.member_since).date().isoformat() if a.member_since else "",
            # The French texts: what an import writes back (the other languages stay).
            "short_description": a.short_description_fr, "description": a.description_fr,
            "city": a.city, "postcode": a.postcode,
            "province": a.province.value if a.province else "", "commune": a.commune,
            "themes": ";".join(t.value for t in a.theme_values),
            "poles": ";".join(p.value for p in a.pole_values),
            "email": a.email, "phone": a.phone, "website": a.website,
            "created_at": to_paris(a.created_at).strftime("%Y-%m-%d %H:%M"),
        }
        writer.writerow([_cell(row[c] or "") for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def registry_table(associations: list[Association]) -> Table:
    """The registry for people's spreadsheets: labels instead of codes, in the reader's
    language (the CSV above, with codes, is the one the import reads back)."""
    def names(labels: dict):
        return lambda values: ", ".join(str(labels.get(v, v)) for v in values)

    return Table(_l("Associations"), (
        Column(_l("Name")), Column(_l("Status"), label=lambda v: STATUS_LABELS.get(v, v)),
        Column(_l("Member since"), DAY), Column(_l("City")), Column(_l("Postcode")),
        Column(_l("Province"), label=lambda v: PROVINCE_LABELS.get(v, v)),
        Column(_l("Commune")), Column(_l("Themes"), label=names(THEME_LABELS)),
        Column(_l("Working groups"), label=names(POLE_LABELS)), Column(_l("E-mail")),
        Column(_l("Phone")), Column(_l("Website")), Column(_l("Short description")),
        Column(_l("Registered at"), INSTANT)),
        [(a.name, a.status, to_paris(a.member_since) if a.member_since else None, a.city,
          a.postcode, a.province, a.commune, a.theme_values, a.pole_values, a.email, a.phone,
          a.website, a.short_description, a.created_at) for a in associations])


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class ImportedRow:
    line: int
    action: str  # create | update | unchanged
    slug: str
    name: str
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[ImportedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


class ImportRefused(DomainError):
    """The file has bad rows: `errors` lists each with its line; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__("import_refused", _l("Nothing was imported: %(n)s line(s) need fixing.",
                                              n=len(errors)), status=422)
        self.errors = errors


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what Excel writes by default


def _parse_day(raw: str) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return paris_to_utc(datetime.strptime(raw, fmt).date(), time(12))
        except ValueError:
            continue
    raise ValueError(str(_l("Write the date as YYYY-MM-DD or DD/MM/YYYY.")))


def _unreadable(line: int) -> ImportRefused:
    return ImportRefused([RowError(line, [str(_l(
        "This line cannot be read: a cell is longer than %(n)s characters or a quote is "
        "not closed.", n=MAX_CELL))])])


def _rows(reader):
    """The reader's rows; a cell longer than the csv module accepts is a refusal, not a
    crash (one beyond MAX_CELL but within that limit is reported on its row)."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise _unreadable(reader.line_num) from None


def _records(text: str):
    """(first line number, row dict or a problem) for each record; raises ImportRefused on a
    bad header. The header's and the rows' sizes are checked before anything is done with
    them."""
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _rows(reader)
    try:
        header = [h.strip().lower() for h in next(rows)]
    except StopIteration:
        raise ImportRefused([RowError(1, [str(_l("The file is empty."))])]) from None
    if len(header) > MAX_COLUMNS:
        raise ImportRefused([RowError(1, [str(_l(
            "The file has %(n)s columns: at most %(max)s are read. Known columns: %(known)s.",
            n=len(header), max=MAX_COLUMNS, known=", ".join(COLUMNS)))])])
    problems = []
    unknown = [h[:40] for h in header if h and h not in COLUMNS]
    if unknown:
        problems.append(str(_l("Unknown column(s): %(names)s. Known columns: %(known)s.",
                               names=", ".join(unknown), known=", ".join(COLUMNS))))
    if "name" not in header:
        problems.append(str(_l("The column “name” is missing.")))
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        problems.append(str(_l("Column(s) given twice: %(names)s.", names=", ".join(duplicated))))
    if problems:
        raise ImportRefused([RowError(1, problems)])
    line = reader.line_num + 1
    for values in rows:
        start, line = line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            yield start, TOO_MANY_CELLS
            continue
        if any(len(v) > MAX_CELL for v in values):
            yield start, CELL_TOO_LONG
            continue
        yield start, {h: _uncell(v) for h, v in zip(header, values) if h}


TOO_MANY_CELLS = _l("This row has more cells than the header has columns.")
CELL_TOO_LONG = _l("A cell of this row is longer than %(n)s characters.", n=MAX_CELL)


def _changes(association: Association, cleaned: dict) -> list[str]:
    changed = []
    for name, value in cleaned.items():
        if name == "themes":
            if set(value) != set(association.theme_values):
                changed.append(name)
        elif name == "poles":
            if set(value) != set(association.pole_values):
                changed.append(name)
        elif (getattr(association, name) or "") != (value or ""):
            changed.append(name)
    return changed


def _import_row(row: dict, actor: User | None) -> ImportedRow:
    fields = {k: v for k, v in row.items() if k in ALL_FIELDS}
    slug = (fields.get("slug") or "").strip().lower()
    existing = association_by_slug(slug) if slug else None
    if existing is None:
        status = (row.get("status") or "").strip() or MembershipStatus.APPLIED.value
        try:
            since = _parse_day(row.get("member_since") or "")
        except ValueError as error:
            raise ValidationError({"member_since": [str(error)]}) from None
        association = services.create_association(
            fields, actor=actor, initial_status=status, member_since=since,
            note=str(_l("Imported from a CSV file.")))
        return ImportedRow(0, "create", association.slug, association.name)
    status = (row.get("status") or "").strip()
    if status and status != existing.status.value:
        raise ValidationError({"status": [str(_l(
            "The status is “%(now)s” in the registry: a status changes only through the "
            "review actions, not by import.", now=existing.status.value))]})
    fields.pop("slug", None)
    changed = _changes(existing, clean_fields(fields, required=("name",)))
    services.update_association(existing, fields, actor=actor)
    return ImportedRow(0, "update" if changed else "unchanged", existing.slug, existing.name,
                       changed)


def import_csv(data: bytes, *, actor: User | None, dry_run: bool = False) -> ImportReport:
    """Create or update associations from a CSV file (matched by slug; a row without a slug
    creates one). With `dry_run`, nothing is kept: the report is a preview.

    Errors: import_refused (every bad row with its line number; nothing imported),
    forbidden.
    """
    services.require_organiser(actor)
    if len(data) > MAX_BYTES:
        raise ImportRefused([RowError(0, [str(_l("The file is larger than 2 MB."))])])
    report = ImportReport()
    seen: dict[str, int] = {}
    savepoint = db.session.begin_nested()
    try:
        for line, row in _records(_decode(data)):
            if len(report.rows) + len(report.errors) >= MAX_ROWS:
                report.errors.append(RowError(line, [str(_l(
                    "Too many rows: at most %(n)s per file.", n=MAX_ROWS))]))
                break
            if not isinstance(row, dict):
                report.errors.append(RowError(line, [str(row)]))
                continue
            key = (row.get("slug") or "").strip().lower() or slugify(row.get("name") or "")
            if key and key in seen:
                report.errors.append(RowError(line, [str(_l(
                    "The association “%(slug)s” is already on line %(line)s.",
                    slug=key, line=seen[key]))]))
                continue
            seen[key] = line
            try:
                with db.session.begin_nested():
                    imported = _import_row(row, actor)
            except DomainError as error:
                messages = [f"{name}: {' '.join(str(m) for m in msgs)}"
                            for name, msgs in error.fields.items()] or [str(error.message)]
                report.errors.append(RowError(line, messages))
                continue
            imported.line = line
            report.rows.append(imported)
    except BaseException:
        savepoint.rollback()
        raise
    if report.errors:
        savepoint.rollback()
        raise ImportRefused(report.errors)
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report
