"""The forms of corrections and transfers (ticketing/changes.py), shared by the buyer's order
page and the organisers' order page.

The attendee names depend on the order's tickets: they are read as `name-<ticket id>`, only
for the order's valid tickets (so their count is bounded by the order's), and kept with
their errors so that a refused form comes back with everything that was typed."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from festival.core.forms import Form
from festival.core.guards import without_flaws
from festival.ticketing import changes
from festival.ticketing.models import Order, Ticket, TicketStatus


class CorrectionForm(Form):
    """The buyer's address; the names are read beside it (read_names)."""

    email = EmailField(_l("E-mail address of the order"),
                       validators=[Optional(), Length(max=254)],
                       render_kw={"dir": "ltr", "autocomplete": "email",
                                  "spellcheck": "false"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names: dict[int, str] = {}
        self.name_errors: dict[int, list] = {}
        self.focus = ""  # the name field to put the keyboard on (apply_errors)


class OrganiserCorrectionForm(CorrectionForm):
    reason = StringField(_l("Reason (kept in the history)"),
                         validators=[DataRequired(), Length(max=changes.REASON_LENGTH)])


class TransferForm(Form):
    """One per ticket, prefixed by its id (`t<id>-name`, `t<id>-email`)."""

    name = StringField(_l("Name of the new holder"),
                       validators=[DataRequired(), Length(max=changes.NAME_LENGTH)],
                       render_kw={"autocomplete": "off", "dir": "auto"})
    email = EmailField(_l("Their e-mail address (the ticket is sent there)"),
                       validators=[DataRequired(), Length(max=254)],
                       render_kw={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"})


def valid_tickets(order: Order) -> list[Ticket]:
    return [t for t in order.tickets if t.status is TicketStatus.VALID]


def correction_form(order: Order, *, organiser: bool = False,
                    formdata: MultiDict | None = None) -> CorrectionForm:
    """The form filled from the order (no formdata) or from what was sent."""
    cls = OrganiserCorrectionForm if organiser else CorrectionForm
    if formdata is None:
        form = cls(formdata=None, data={"email": order.email})
        form.names = {t.id: t.attendee_name for t in valid_tickets(order)}
        return form
    form = cls(formdata=formdata)
    form.names = {t.id: without_flaws(formdata.get(f"name-{t.id}", t.attendee_name))[:1000]
                  for t in valid_tickets(order)}
    return form


def transfer_form(ticket: Ticket, formdata: MultiDict | None = None) -> TransferForm:
    return TransferForm(formdata=formdata, prefix=f"t{ticket.id}")


def apply_errors(form, fields: dict | None = None) -> None:
    """A service's field errors put beside the fields they are about, and the keyboard put
    on the first field in error (its `autofocus` brings the page back to the form, with or
    without JavaScript)."""
    for key, messages in (fields or {}).items():
        if key.startswith("name-") and key[5:].isdigit() and hasattr(form, "name_errors"):
            form.name_errors[int(key[5:])] = list(messages)
        elif key in form._fields:
            form[key].errors = list(form[key].errors or []) + list(messages)
        else:
            form.form_errors.extend(messages)
    for ticket_id in getattr(form, "names", {}):
        if form.name_errors.get(ticket_id):
            form.focus = f"name-{ticket_id}"
            return
    for field in form:
        if field.errors and field.type not in ("CSRFTokenField", "HiddenField"):
            field.render_kw = {**(field.render_kw or {}), "autofocus": True}
            return


def buyer_context(order: Order, now: datetime, *, correction: CorrectionForm | None = None,
                  transfers: dict[int, TransferForm] | None = None) -> dict:
    """What the order page needs to offer the corrections and transfers."""
    limits = changes.Limits.from_config()
    can_correct = changes.buyer_can_correct(order, now, limits)
    can_transfer = changes.buyer_can_transfer(order, now, limits)
    forms = dict(transfers or {})
    if can_transfer:
        for ticket in valid_tickets(order):
            if changes.transferable(ticket, limits):
                forms.setdefault(ticket.id, transfer_form(ticket))
    return {
        "can_correct": can_correct,
        "correction_form": correction or (correction_form(order) if can_correct else None),
        "changes_close_at": changes.corrections_close_at(order, limits),
        "transfer_forms": forms if can_transfer else {},
        "successors": changes.successors(order),
        "transfer_limits": limits,
    }
