"""Forms of the waiting list. They shape input; waitlist.services checks the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import Length, Optional

from festival.core.forms import Form
from festival.ticketing.forms import ShopForm


class JoinForm(Form):
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Your e-mail"), validators=[Optional(), Length(max=254)],
                       render_kw={"dir": "ltr"})
    quantity = SelectField(_l("How many tickets?"), coerce=int, validate_choice=False)

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.quantity.choices = [(n, str(n)) for n in range(1, limit + 1)]


class OfferForm(ShopForm):
    """The buyer's details on the offer's page: those of the shop, without a voucher."""

    voucher = None
    quantity = SelectField(_l("Quantity"), coerce=int, validate_choice=False)

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.quantity.choices = [(n, str(n)) for n in range(1, limit + 1)]


class EmptyForm(Form):
    """A button: only the CSRF token."""
