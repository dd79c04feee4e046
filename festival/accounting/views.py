"""The papers' pages: for the buyer (by the order's secret link) the receipt, asking for it
afterwards, and the payment attestation; for the organisers the register of receipts by
civil year, reissues, the donors' yearly summaries and the export for the accountant."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from festival.accounting import (
    books,
    checkout,
    documents,
    exports,
    invoices,
    queries,
    receipts,
)
from festival.accounting.forms import EmptyForm, InvoiceForm, ReceiptRequestForm
from festival.accounting.models import DonationReceipt
from festival.accounting.notifications import register_mail_renderers
from festival.core.access import Role, public, roles
from festival.core.errors import DomainError, ValidationError
from festival.core.forms import apply_field_errors
from festival.core.spreadsheet import MIMETYPES
from festival.core.timeutil import to_paris, utcnow
from festival.core.unit_of_work import refuse_request
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.labels import ORDER_STATUS
from festival.ticketing.models import Order, OrderStatus
from festival.ticketing.order_views import lookup_limit, pdf_limit
from festival.ticketing.refunds import register_refund_listener

bp = Blueprint("accounting", __name__)

MIN_YEAR, MAX_YEAR = 2000, 2100
NO_STORE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@bp.record_once
def _listeners(state) -> None:
    # A receipt is issued with the payment, cancelled with the refund of its donation or the
    # cancellation of its paid order.
    orders.register_status_listener(state.app, receipts.order_status_changed)
    register_refund_listener(state.app, receipts.cancel_after_refund)
    # Money given back on an invoiced order is a credit note on its invoice.
    register_refund_listener(state.app, invoices.credit_after_refund)
    register_mail_renderers(state.app)


@bp.app_context_processor
def _documents() -> dict:
    # Functions, called only by the templates that include the accounting parts.
    return {"checkout_receipt_form": checkout.checkout_form,
            "receipt_offered": checkout.offered, "order_documents": order_documents}


def order_documents(order: Order) -> dict:
    """What the order's page offers: its receipt, asking for one, the attestation."""
    receipt = receipts.receipt_of(order) if order.donation_cents else None
    paid = order.status is OrderStatus.PAID
    invoice = invoices.invoice_of(order)
    return {"receipt": receipt, "can_ask": receipts.can_ask_later(order),
            "attestation": paid, "invoice": invoice,
            "credit_notes": invoices.credit_notes_of(invoice) if invoice else []}


def _order(code: str, secret: str | None) -> Order:
    found = orders.find_order(code)
    if found is None or not orders.check_secret(found, secret):
        abort(404)
    return found


def _pdf(content: bytes, name: str, *, private: bool = True) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{name}.pdf"'}
    headers.update(NO_STORE if private else {"Cache-Control": "no-store"})
    return Response(content, mimetype="application/pdf", headers=headers)


@bp.get("/orders/<code>/receipt.pdf")
@public
@lookup_limit
@pdf_limit
def receipt_pdf(code: str):
    """The donor's receipt, as issued (a cancelled one says so)."""
    found = _order(code, request.args.get("secret"))
    receipt = receipts.receipt_of(found)
    if receipt is None:
        abort(404)
    return _pdf(documents.receipt_file(receipt), f"recu-fiscal-{receipt.number}")


def _submitted(form, back: str, issue, done_message):
    """A buyer's form that issues a paper (a receipt, an invoice): on a valid POST, `issue()`
    makes it, and the buyer goes back to the order (`back`) with `done_message(paper)`, or
    with the refusal's message. None when the form is to be shown (again): not posted, or
    its fields refused (their errors are on the form, the transaction rolled back)."""
    if not (request.method == "POST" and form.validate()):
        return None
    try:
        paper = issue()
    except ValidationError as error:
        refuse_request()
        apply_field_errors(form, error)
        return None
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
        return redirect(back, 303)
    flash(done_message(paper), "success")
    return redirect(back, 303)


@bp.route("/orders/<code>/receipt", methods=["GET", "POST"])
@public
@lookup_limit
def ask_receipt(code: str):
    """Ask for the receipt of a paid donation afterwards (forgotten at checkout)."""
    secret = request.values.get("secret")
    found = _order(code, secret)
    back = url_for("ticketing.order", code=found.code, secret=found.secret)
    if not receipts.can_ask_later(found):
        if receipts.receipt_of(found) is not None:
            return redirect(back, 303)
        return render_template("accounting/ask_receipt.html", order=found, form=None,
                               secret=secret), 409 if request.method == "POST" else 200
    form = ReceiptRequestForm()
    done = _submitted(
        form, back,
        lambda: receipts.ask_for_receipt(found, receipts.check_address(form.address_data())),
        lambda receipt: _("Your tax receipt %(number)s is ready; it is also on its way by "
                          "e-mail.", number=receipt.number))
    if done is not None:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("accounting/ask_receipt.html", order=found, form=form,
                           secret=secret), status


@bp.get("/orders/<code>/attestation.pdf")
@public
@lookup_limit
@pdf_limit
def attestation_pdf(code: str):
    """The payment attestation of a paid order (its refunds shown)."""
    found = _order(code, request.args.get("secret"))
    if found.paid_at is None:
        abort(404)
    return _pdf(documents.attestation_file(found), f"attestation-{found.code}")


@bp.route("/orders/<code>/invoice", methods=["GET", "POST"])
@public
@lookup_limit
def ask_invoice(code: str):
    """A company buyer's invoice for a paid order: its name, address and VAT number."""
    secret = request.values.get("secret")
    found = _order(code, secret)
    back = url_for("ticketing.order", code=found.code, secret=found.secret)
    if invoices.invoice_of(found) is not None:
        return redirect(back, 303)
    if found.status is not OrderStatus.PAID:
        abort(404)
    form = InvoiceForm()
    done = _submitted(
        form, back,
        lambda: invoices.issue_invoice(found, company_name=form.company_name.data,
                                       company_address=form.company_address.data,
                                       vat_number=form.vat_number.data or ""),
        lambda invoice: _("Invoice %(number)s is ready to download.", number=invoice.number))
    if done is not None:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("accounting/ask_invoice.html", order=found, form=form), status


@bp.get("/orders/<code>/invoice.pdf")
@public
@lookup_limit
@pdf_limit
def invoice_pdf(code: str):
    found = _order(code, request.args.get("secret"))
    invoice = invoices.invoice_of(found)
    if invoice is None:
        abort(404)
    return _pdf(documents.invoice_file(invoice), f"facture-{invoice.number}")


@bp.get("/orders/<code>/credit-notes/<number>.pdf")
@public
@lookup_limit
@pdf_limit
def credit_note_pdf(code: str, number: str):
    """A credit note of the order's invoice (money given back after it was issued)."""
    found = _order(code, request.args.get("secret"))
    note = invoices.find_credit_note(found, number)
    if note is None:
        abort(404)
    return _pdf(documents.credit_note_file(note), f"avoir-{note.number}")


# The organisers' register ---------------------------------------------------------------

def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    return year


@bp.get("/manage/receipts")
@roles(Role.ORGANISER)
def register_now():
    return redirect(url_for("accounting.register", year=to_paris(utcnow()).year))


@bp.get("/manage/receipts/<int:year>")
@roles(Role.ORGANISER)
def register(year: int):
    found = queries.register(_year(year))
    years = sorted(set(queries.years()) | {year, to_paris(utcnow()).year}, reverse=True)
    return render_template("accounting/register.html", register=found, years=years,
                           form=EmptyForm(), enabled=receipts.receipts_enabled())


def _receipt(receipt_id: int) -> DonationReceipt:
    receipt = db.session.get(DonationReceipt, receipt_id)
    if receipt is None:
        abort(404)
    return receipt


@bp.get("/manage/receipts/<int:year>/<int:receipt_id>.pdf")
@roles(Role.ORGANISER)
def manage_receipt_pdf(year: int, receipt_id: int):
    receipt = _receipt(receipt_id)
    if receipt.year != year:
        abort(404)
    return _pdf(documents.receipt_file(receipt), f"recu-fiscal-{receipt.number}",
                private=False)


@bp.post("/manage/receipts/<int:year>/<int:receipt_id>/reissue")
@roles(Role.ORGANISER)
def reissue(year: int, receipt_id: int):
    """A copy with the same number, marked DUPLICATA; sent to the donor when asked."""
    form = EmptyForm()
    receipt = _receipt(receipt_id)
    if receipt.year != year or not form.validate():
        abort(404 if receipt.year != year else 400)
    try:
        copy = receipts.reissue(receipt)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
        return redirect(url_for("accounting.register", year=year), 303)
    if request.form.get("send") and receipt.order.email:
        receipts.queue_receipt_mail(receipt, receipt.order, duplicate=copy)
        flash(_("Duplicate %(n)s of receipt %(number)s is on its way to the donor.", n=copy,
                number=receipt.number), "success")
        return redirect(url_for("accounting.register", year=year), 303)
    return _pdf(documents.receipt_file(receipt, duplicate=copy),
                f"recu-fiscal-{receipt.number}-duplicata-{copy}", private=False)


@bp.get("/manage/receipts/<int:year>/summary.pdf")
@roles(Role.ORGANISER)
def summary_pdf(year: int):
    """One donor's receipts of the civil year, on one PDF (the donor asked for it)."""
    email = (request.args.get("email") or "").strip()[:254]
    content = documents.summary_file(_year(year), email) if email else None
    if content is None:
        abort(404)
    return _pdf(content, f"recapitulatif-dons-{year}", private=False)


@bp.get("/manage/receipts/<int:year>/register.<any(csv, xlsx):fmt>")
@roles(Role.ORGANISER)
def export(year: int, fmt: str):
    try:
        content = exports.register_export(_year(year), fmt)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounting.register", year=year), 303)
    return Response(content, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="recus-fiscaux-{year}.{fmt}"',
        "Cache-Control": "no-store"})


@bp.get("/manage/accounting/books")
@roles(Role.ORGANISER)
def books_export():
    """The books of a period (Paris days, both included) for the accountant."""
    fmt = request.args.get("fmt", "xlsx")
    try:
        start, end = books.check_period(request.args.get("start"), request.args.get("end"))
    except ValidationError as error:
        flash(" ".join(str(m) for messages in error.fields.values() for m in messages),
              "error")
        return redirect(url_for("accounting.register_now"), 303)
    if fmt == "summary":  # on screen, beside the dashboards
        return render_template("accounting/books.html", start=start, end=end,
                               totals=books.totals(start, end),
                               statuses={s.value: label for s, label in ORDER_STATUS.items()})
    if fmt not in MIMETYPES:
        abort(404)
    content = books.books_file(start, end, fmt)
    return Response(content, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="ecritures-{start.isoformat()}-'
                               f'{end.isoformat()}.{fmt}"',
        "Cache-Control": "no-store"})
