"""Tables for people's spreadsheets: one definition of a table, written as CSV or XLSX.

A French treasurer opens these files: headers in the reader's language, amounts in euros
with a decimal comma, times in Paris local time to the second, labels instead of codes.

CSV: UTF-8 with a byte-order mark and `;` between columns, as Excel in French expects; a cell
a spreadsheet would run as a formula gets a leading apostrophe.
XLSX: real numbers (euros with two decimals), real dates and times, text cells stored as text
(never as formulas), the header row frozen and bold.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from festival.core.timeutil import to_paris

# Kinds of column: how a value is written.
TEXT, EUROS, INSTANT, DAY, NUMBER, YES_NO = "text", "euros", "instant", "day", "number", "yes_no"
KINDS = (TEXT, EUROS, INSTANT, DAY, NUMBER, YES_NO)
FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_WIDTHS = {EUROS: 12, INSTANT: 20, DAY: 12, NUMBER: 10, YES_NO: 8}


@dataclass(frozen=True)
class Column:
    """A column: its header (a lazy string, translated when written), how its values are
    written (`kind`), and for codes, `label` that turns a value into words."""

    header: Any
    kind: str = TEXT
    label: Callable[[Any], Any] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass
class Table:
    title: Any
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def _plain(column: Column, value: Any) -> Any:
    """The value as the reader should see it, before the format writes it."""
    if value is None:
        return None
    if column.label is not None:
        value = column.label(value)
    if column.kind == YES_NO:
        return _("yes") if value else _("no")
    if column.kind == EUROS:
        return int(value)
    if column.kind == INSTANT:
        return to_paris(value).replace(tzinfo=None, microsecond=0)
    if column.kind == DAY:
        return value.date() if isinstance(value, datetime) else value
    if column.kind == NUMBER:
        return value
    return str(value)


def euros_text(cents: int) -> str:
    """12345 → "123,45" (a minus sign in front of negative amounts)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole},{part:02d}"


def _csv_cell(column: Column, value: Any) -> str:
    value = _plain(column, value)
    if value is None:
        return ""
    if column.kind == EUROS:
        return euros_text(value)
    if isinstance(value, datetime):
        return value.strftime(_TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if column.kind == NUMBER:
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(Column(""), str(c.header)) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(c, v) for c, v in zip(table.columns, row, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook  # (loaded only by the organisers who ask for a workbook)
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(str(table.title)))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column.kind, 24)
    bold = Font(bold=True)

    def cell(column: Column, value: Any) -> WriteOnlyCell:
        value = _plain(column, value)
        if column.kind == EUROS and value is not None:
            written = WriteOnlyCell(sheet, value=value / 100)
            written.number_format = '#,##0.00 "€"'
            return written
        if isinstance(value, str):
            written = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            written.data_type = "s"  # text stays text, even "=…" (never a formula)
            return written
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, datetime):
            written.number_format = "yyyy-mm-dd hh:mm:ss"
        elif isinstance(value, date):
            written.number_format = "yyyy-mm-dd"
        return written

    header = []
    for column in table.columns:
        title = cell(Column(""), str(column.header))
        title.font = bold
        header.append(title)
    sheet.append(header)
    for row in table.rows:
        sheet.append([cell(c, v) for c, v in zip(table.columns, row, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in a sheet's name and more than 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Sheet"


def write(table: Table, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown spreadsheet format {fmt!r}")
    return to_csv(table) if fmt == "csv" else to_xlsx(table)
