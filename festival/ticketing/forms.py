"""Forms of the ticketing pages. They shape input; the services check the rules.

Quantities, pay-what-you-want amounts and attendee names depend on the ticket types on sale,
so the shop and the box office read them with ticketing.shop.Cart rather than with fields
declared here.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from festival.core.forms import Form, choices
from festival.core.i18n import LANGUAGE_NAMES
from festival.core.language_fields import LanguageForm, in_languages
from festival.core.timeutil import PARIS, to_paris

LOCAL = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
_AMOUNT = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})


def parse_euros(text: str) -> int:
    """'12', '12.5', '12,50', '12 €' → cents. Raises ValueError for anything else."""
    cleaned = (text or "").translate(_DIGITS).replace("٫", ".").replace("€", "")
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", cleaned)
    match = _AMOUNT.match(cleaned)
    if not match:
        raise ValueError(text)
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def euros_input(cents: int | None) -> str:
    """Cents as typed in an amount field: '12' or '12,50' (French) / '12.50'."""
    if cents is None:
        return ""
    whole, rest = divmod(cents, 100)
    if not rest:
        return str(whole)
    mark = "," if str(get_locale() or "fr") == "fr" else "."
    return f"{whole}{mark}{rest:02d}"


class EurosField(StringField):
    """An amount typed in euros, kept as cents in `.data`."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {}).update(inputmode="decimal", autocomplete="off")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            try:
                self.data = parse_euros(text)
            except ValueError:
                raise ValueError(_l("Give an amount in euros, like 12 or 12.50.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return euros_input(self.data)


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def language_choices():
    return choices(LANGUAGE_NAMES.items())


class ShopForm(Form):
    """The shop's fixed fields; the buyer's details are required only at the last step."""

    voucher = StringField(_l("Voucher code"), validators=[Optional(), Length(max=40)],
                          render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                     "spellcheck": "false"})
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Your e-mail"), validators=[Optional(), Length(max=254)],
                       render_kw={"dir": "ltr"})  # an address reads left to right, in Arabic too
    language = SelectField(_l("Language of your e-mails and tickets"))
    marketing_consent = BooleanField(
        _l("Tell me about the next editions of the festival (optional; you can stop at any "
           "time)"), default=False)
    accept_terms = BooleanField(_l("I have read and I accept the terms of sale"), default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        if not self.language.data or self.language.data not in LANGUAGE_NAMES:
            self.language.data = str(get_locale() or "fr")


class CancelForm(Form):
    reason = StringField(_l("Reason (kept in the history)"),
                         validators=[DataRequired(), Length(max=500)])


class RefundForm(Form):
    """Two steps: the tickets and the reason, then (on the confirmation page, `reviewed`)
    the box that confirms the refund."""

    ticket_ids = CheckboxListField(_l("Tickets to refund (none chosen: the whole order)"),
                                   coerce=int, validators=[Optional()])
    reason = StringField(_l("Reason (kept in the history)"),
                         validators=[DataRequired(), Length(max=500)])
    confirm = BooleanField(_l("I confirm this refund: its tickets are revoked, those "
                              "already checked in too"))
    reviewed = HiddenField()


class OrderSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Code, name or e-mail"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()])


class BoxOfficeForm(Form):
    method = RadioField(_l("Paid by"), validators=[DataRequired()], default="cash")
    buyer_name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail for the tickets (optional)"),
                        validators=[Optional(), Email(), Length(max=254)])
    language = SelectField(_l("Language of the e-mail"), default="fr")
    # 0: sell only. The choices (the edition's open check-in lists) are set by the view.
    admit_list_id = SelectField(_l("Admit them now at"), coerce=int, default=0)
    received = EurosField(_l("Cash received"), validators=[Optional()],
                          render_kw={"data-received": ""})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = choices([("cash", _l("Cash")),
                                       ("card_terminal", _l("Card terminal"))])
        self.language.choices = language_choices()


class TransferOrderForm(Form):
    buyer_name = StringField(_l("Buyer's name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Buyer's e-mail"),
                       validators=[DataRequired(), Email(), Length(max=254)])
    language = SelectField(_l("Language of the e-mails"), default="fr")
    voucher = StringField(_l("Voucher code (optional)"), validators=[Optional(), Length(max=40)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


def paris_moment(value: datetime | None) -> datetime | None:
    """A wall-clock time typed in Paris, as an aware datetime."""
    return value.replace(tzinfo=PARIS) if value is not None else None


def local_moment(value: datetime | None) -> datetime | None:
    """An aware datetime as the Paris wall-clock time a datetime-local field shows."""
    return to_paris(value).replace(tzinfo=None) if value is not None else None


@in_languages("name", "description")
class TicketTypeForm(LanguageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)],
                                render_kw={"rows": 3})
    price = EurosField(_l("Price in euros (0 for free; the minimum when pay-what-you-want)"),
                       validators=[InputRequired(message=_l("Give a price (0 for free)."))])
    is_pay_what_you_want = BooleanField(_l("Pay what you want (from the price above)"))
    suggested_price = EurosField(_l("Suggested amount in euros (pay what you want)"),
                                 validators=[Optional()])
    quota = IntegerField(_l("Quota (tickets for sale)"),
                         validators=[InputRequired(message=_l("Give a whole number.")),
                                     NumberRange(0, 100_000)])
    max_per_order = IntegerField(_l("At most per order"), default=10,
                                 validators=[DataRequired(), NumberRange(1, 20)])
    valid_days = CheckboxListField(_l("Valid on (none ticked: every day)"))
    requires_attendee_name = BooleanField(_l("Each ticket needs the attendee's name"),
                                          default=True)
    is_hidden = BooleanField(_l("Hidden: sold only with a voucher code"))
    is_active = BooleanField(_l("On sale (untick to withdraw it)"), default=True)
    sales_open_at = DateTimeLocalField(_l("Sales open (Paris time; empty: now)"), format=LOCAL,
                                       validators=[Optional()])
    sales_close_at = DateTimeLocalField(_l("Sales close (Paris time; empty: never)"), format=LOCAL,
                                        validators=[Optional()])
    position = IntegerField(_l("Position in the shop"), default=0,
                            validators=[Optional(), NumberRange(0, 1000)])

    def __init__(self, *args, days=(), **kwargs):
        super().__init__(*args, **kwargs)
        from flask_babel import format_date
        self.valid_days.choices = choices((d.isoformat(), format_date(d, "EEEE d MMMM"))
                                          for d in days)

    def service_data(self) -> dict:
        return {
            "name": self.texts("name"), "description": self.texts("description"),
            "price_cents": self.price.data, "is_pay_what_you_want": self.is_pay_what_you_want.data,
            "suggested_price_cents": self.suggested_price.data, "quota": self.quota.data,
            "max_per_order": self.max_per_order.data, "valid_days": self.valid_days.data or [],
            "requires_attendee_name": self.requires_attendee_name.data,
            "is_hidden": self.is_hidden.data, "is_active": self.is_active.data,
            "sales_open_at": paris_moment(self.sales_open_at.data),
            "sales_close_at": paris_moment(self.sales_close_at.data),
            "position": self.position.data or 0,
        }


class VoucherForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(min=4, max=40)],
                       render_kw={"autocapitalize": "characters", "spellcheck": "false"})
    ticket_type_id = SelectField(_l("Ticket type it opens"), coerce=int,
                                 validators=[DataRequired()])
    max_uses = IntegerField(_l("Number of uses"), default=1,
                            validators=[DataRequired(), NumberRange(1, 10_000)])
    price_override = EurosField(_l("Price with this code, in euros (empty: the ticket's)"),
                                validators=[Optional()])
    valid_from = DateTimeLocalField(_l("Valid from (Paris time)"), format=LOCAL,
                                    validators=[Optional()])
    valid_until = DateTimeLocalField(_l("Valid until (Paris time)"), format=LOCAL,
                                     validators=[Optional()])
    note = StringField(_l("Note (who it is for)"), validators=[Length(max=200)])

    def service_data(self) -> dict:
        return {"code": self.code.data, "ticket_type_id": self.ticket_type_id.data,
                "max_uses": self.max_uses.data,
                "price_override_cents": self.price_override.data,
                "valid_from": paris_moment(self.valid_from.data),
                "valid_until": paris_moment(self.valid_until.data), "note": self.note.data}


class CapacityForm(Form):
    capacity = IntegerField(_l("Venue capacity (people per day)"),
                            validators=[DataRequired(), NumberRange(1, 100_000)])


@in_languages("text")
class TermsForm(LanguageForm):
    """A new version of the terms of sale (ticketing.terms.publish_terms)."""

    text = TextAreaField(_l("Terms of sale"),
                         validators=[DataRequired(message=_l("Write it at least in French.")),
                                     Length(max=30_000)],
                         render_kw={"rows": 16})
