"""The donor's receipt request (a box and a postal address, at checkout or from the order's
page), the company's invoice details, and the register's small forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms import Form as PlainForm
from wtforms.validators import Length, Optional

from festival.core.forms import Form


class _AddressFields:
    receipt_street = StringField(_l("Street and number"),
                                 validators=[Optional(), Length(max=200)],
                                 render_kw={"autocomplete": "street-address"})
    receipt_postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)],
                                      render_kw={"autocomplete": "postal-code"})
    receipt_city = StringField(_l("City"), validators=[Optional(), Length(max=100)],
                               render_kw={"autocomplete": "address-level2"})
    receipt_country = StringField(_l("Country"), validators=[Optional(), Length(max=100)],
                                  default="France", render_kw={"autocomplete": "country-name"})

    def address_data(self) -> dict:
        return {"street": self.receipt_street.data, "postal_code": self.receipt_postal_code.data,
                "city": self.receipt_city.data, "country": self.receipt_country.data}


class CheckoutReceiptForm(_AddressFields, PlainForm):
    """Read from the shop's own POST, whose form (ShopForm) checks the CSRF token."""

    receipt_wanted = BooleanField(_l("I would like a tax receipt for my donation"),
                                  default=False)


class ReceiptRequestForm(_AddressFields, Form):
    """Asking for the receipt afterwards, from the order's page."""


class EmptyForm(Form):
    """A button: only the CSRF token."""


class InvoiceForm(Form):
    company_name = StringField(_l("Company name"), validators=[Optional(), Length(max=200)])
    company_address = StringField(_l("Company address"),
                                  validators=[Optional(), Length(max=300)])
    vat_number = StringField(_l("VAT number (optional)"),
                             validators=[Optional(), Length(max=40)])
