"""The association's papers as PDF, in French whatever the reader's language: the donation
receipt with the mentions of the Cerfa 11580 model, the donor's yearly summary, and the
payment attestation. Written as real text in the printed tickets' fonts (ticketing's
PdfCanvas and PdfDocument), so the files are searchable and their text can be checked.

The input is plain data, already formatted where it matters: this module reads no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from festival.accounting.words import euros_in_words
from festival.core.money import format_cents
from festival.ticketing.pdf import DPI, INDIGO, INK_SOFT, OCHRE, SAFFRON, SAND, WHITE, mm, pt
from festival.ticketing.pdf_document import PdfCanvas, PdfDocument
from festival.ticketing.pdf_drawing import Style

WIDTH, HEIGHT, MARGIN = mm(210), mm(297), mm(16)
INK, LINE = "#1d1b19", "#e3d7c6"
# How each payment method is named on a receipt (the Cerfa's « mode de versement »). Stripe's
# Checkout takes cards and SEPA debits alike: the paper names both.
METHODS = {"stripe": "Paiement en ligne (carte ou prélèvement)",
           "card_terminal": "Carte bancaire",
           "cash": "Espèces", "bank_transfer": "Virement", "demo": "Paiement de démonstration",
           "free": "—"}


def method_label(method: str) -> str:
    return METHODS.get(method, method or "—")


def euros(cents: int) -> str:
    return format_cents(cents, "fr")


def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Issuer:
    """The association as its papers name it (the settings)."""

    name: str
    registration: str
    address: str
    purpose: str = ""
    articles: tuple[str, ...] = ("200",)
    signatory_name: str = ""
    signatory_role: str = ""
    vat_mention: str = ""
    email: str = ""


@dataclass(frozen=True)
class ReceiptPrint:
    number: str
    donor_name: str
    donor_address: list[str]
    amount_cents: int
    gift_date: date
    method: str
    issued_on: date
    duplicate: int = 0        # the copy's number, 0 for the original
    is_cancelled: bool = False
    cancel_reason: str = ""   # refunded, order_cancelled


@dataclass(frozen=True)
class SummaryLine:
    number: str
    gift_date: date
    amount_cents: int
    is_cancelled: bool


@dataclass(frozen=True)
class SummaryPrint:
    year: int
    donor_name: str
    donor_address: list[str]
    donor_email: str
    lines: list[SummaryLine]
    made_on: date


@dataclass(frozen=True)
class AttestationLine:
    label: str
    quantity: int
    unit_cents: int
    total_cents: int


@dataclass(frozen=True)
class AttestationPrint:
    order_code: str
    buyer_name: str
    buyer_email: str
    event: str
    lines: list[AttestationLine]
    total_cents: int
    refunded_cents: int
    method: str
    paid_on: date | None
    made_on: date
    company: list[str] = field(default_factory=list)  # name, address, VAT number


class _Sheet:
    """Pages drawn top to bottom: `y` is where the next line goes; `need` starts a new page
    when what follows would not fit."""

    def __init__(self, document: PdfDocument, header):
        self.document = document
        self.header = header
        self.canvas: PdfCanvas | None = None
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.canvas is not None:
            self.document.add_page(self.canvas, HEIGHT, WHITE, "fr")
        self.canvas = PdfCanvas(WIDTH, rtl=False)
        self.y = self.header(self.canvas)

    def need(self, height: float) -> None:
        if self.y + height > HEIGHT - mm(22):
            self.new_page()

    def text(self, value: str, style: Style, colour: str = INK, x: float = MARGIN,
             width: float | None = None, leading: float = 1.3, max_lines: int = 6) -> None:
        width = width or WIDTH - MARGIN - x
        lines = self.canvas.wrap(value, style, width, max_lines=max_lines) or [""]
        self.need(style.size * leading * len(lines))
        self.y = self.canvas.lines(x, self.y, lines, style, colour, leading=leading) \
            + style.size * (leading - 1) + style.size * 0.35

    def field(self, label: str, value: str | list[str], label_width: float = mm(52)) -> None:
        """A label and its value; a list (an address) is wrapped line by line, each in its
        own writing direction."""
        style = Style(pt(10))
        lines = [line for part in ([value] if isinstance(value, str) else value)
                 for line in self.canvas.wrap(part, style, WIDTH - 2 * MARGIN - label_width,
                                              max_lines=6)] or ["—"]
        height = style.size * 1.35 * len(lines) + mm(1.5)
        self.need(height)
        self.canvas.text(MARGIN, self.y + style.size, label, Style(pt(10), "bold"), INK_SOFT)
        self.canvas.lines(MARGIN + label_width, self.y, lines, style, INK)
        self.y += height

    def section(self, title: str) -> None:
        self.need(mm(14))
        self.y += mm(3)
        self.canvas.rect((MARGIN, self.y, WIDTH - MARGIN, self.y + mm(7.5)), fill=SAND)
        self.canvas.rect((MARGIN, self.y, MARGIN + mm(1.2), self.y + mm(7.5)), fill=OCHRE)
        self.canvas.text(MARGIN + mm(3.5), self.y + mm(5.3), title, Style(pt(11), "bold"),
                         INDIGO)
        self.y += mm(10)

    def close(self, footer: str) -> bytes:
        for_last = self.canvas
        for_last.rect((0, HEIGHT - mm(12), WIDTH, HEIGHT), fill=SAND)
        for_last.text(MARGIN, HEIGHT - mm(5), footer, Style(pt(8)), INK_SOFT)
        self.document.add_page(for_last, HEIGHT, WHITE, "fr")
        return self.document.output()


def _header(title: str, subtitle: str, number: str, mark: str = ""):
    def draw(canvas: PdfCanvas) -> float:
        canvas.rect((0, 0, WIDTH, mm(30)), fill=INDIGO)
        canvas.rect((0, mm(30), WIDTH, mm(31.5)), fill=SAFFRON)
        lines = canvas.wrap(title, Style(pt(14), "bold"), WIDTH - 2 * MARGIN - mm(55),
                            max_lines=2)
        canvas.lines(MARGIN, mm(5), lines, Style(pt(14), "bold"), WHITE, leading=1.2)
        canvas.text(MARGIN, mm(26), subtitle, Style(pt(8.5)), SAFFRON)
        canvas.text(WIDTH - MARGIN, mm(11), number, Style(pt(12), "bold"), WHITE, "end")
        y = mm(38)
        if mark:
            canvas.rect((MARGIN, y, WIDTH - MARGIN, y + mm(10)), outline=OCHRE, width=4,
                        radius=mm(1.5))
            canvas.text(WIDTH / 2, y + mm(7), mark, Style(pt(14), "bold"), OCHRE, "center")
            y += mm(14)
        return y
    return draw


def _articles(issuer: Issuer) -> str:
    return " et ".join(issuer.articles)


def receipt_pdf(receipt: ReceiptPrint, issuer: Issuer) -> bytes:
    """The receipt of one donation (Cerfa 11580 model): the association, the donor, the
    amount in figures and in words, the date, form, nature and means of the gift, the
    article(s) of the CGI, the signatory. A copy says DUPLICATA; a cancelled one, ANNULÉ."""
    mark = ""
    if receipt.is_cancelled:
        mark = ("ANNULÉ — ce reçu ne vaut plus : la commande a été annulée"
                if receipt.cancel_reason == "order_cancelled"
                else "ANNULÉ — ce reçu ne vaut plus : le don a été remboursé")
    elif receipt.duplicate:
        mark = f"DUPLICATA n° {receipt.duplicate} — ne peut être cumulé avec l’original"
    document = PdfDocument(DPI, title=f"Reçu fiscal {receipt.number}", author=issuer.name)
    sheet = _Sheet(document, _header(
        "Reçu au titre des dons à certains organismes d’intérêt général",
        "Articles 200, 238 bis et 978 du code général des impôts (CGI) — modèle Cerfa 11580",
        f"Reçu n° {receipt.number}", mark))

    sheet.section("Bénéficiaire des versements")
    sheet.field("Nom ou dénomination", issuer.name)
    sheet.field("RNA ou SIREN", issuer.registration)
    sheet.field("Adresse", issuer.address)
    sheet.field("Objet", issuer.purpose)
    sheet.field("Qualité", "Œuvre ou organisme d’intérêt général")

    sheet.section("Donateur")
    sheet.field("Nom", receipt.donor_name)
    sheet.field("Adresse", receipt.donor_address)

    sheet.section("Don")
    sheet.text("Le bénéficiaire reconnaît avoir reçu au titre des dons et versements ouvrant "
               "droit à réduction d’impôt la somme de :", Style(pt(10)))
    sheet.need(mm(14))
    sheet.canvas.text(MARGIN, sheet.y + pt(20), euros(receipt.amount_cents),
                      Style(pt(20), "bold"), INDIGO)
    sheet.y += pt(20) + mm(3)
    sheet.field("Somme en toutes lettres", euros_in_words(receipt.amount_cents))
    sheet.field("Date du versement", french_date(receipt.gift_date))
    sheet.field("Forme du don", "Déclaration de don manuel")
    sheet.field("Nature du don", "Numéraire")
    sheet.field("Mode de versement", method_label(receipt.method))
    sheet.y += mm(2)
    sheet.text("Le bénéficiaire certifie sur l’honneur que les dons et versements qu’il reçoit "
               f"ouvrent droit à la réduction d’impôt prévue à l’article {_articles(issuer)} "
               "du code général des impôts." if len(issuer.articles) == 1 else
               "Le bénéficiaire certifie sur l’honneur que les dons et versements qu’il reçoit "
               f"ouvrent droit à la réduction d’impôt prévue aux articles {_articles(issuer)} "
               "du code général des impôts.", Style(pt(10)))
    sheet.text("Seul le don est reçu ici ; le prix des billets n’ouvre droit à aucune "
               "réduction d’impôt.", Style(pt(9)), INK_SOFT)

    sheet.need(mm(30))
    sheet.y += mm(6)
    sheet.text(f"Fait le {french_date(receipt.issued_on)}", Style(pt(10)))
    sheet.text(issuer.signatory_name, Style(pt(11), "bold"))
    sheet.text(issuer.signatory_role, Style(pt(10)), INK_SOFT)
    return sheet.close(f"{issuer.name} · {issuer.registration} · reçu n° {receipt.number}")


def summary_pdf(summary: SummaryPrint, issuer: Issuer) -> bytes:
    """The donor's receipts of one civil year, with the total of those that stand."""
    document = PdfDocument(DPI, title=f"Récapitulatif des dons {summary.year}",
                           author=issuer.name)
    sheet = _Sheet(document, _header(f"Récapitulatif annuel des dons {summary.year}",
                                     f"{issuer.name} — {issuer.registration}",
                                     str(summary.year)))
    sheet.section("Donateur")
    sheet.field("Nom", summary.donor_name)
    sheet.field("Adresse", summary.donor_address)
    if summary.donor_email:
        sheet.field("E-mail", summary.donor_email)
    sheet.section(f"Reçus de l’année {summary.year}")
    columns = (MARGIN + mm(2), MARGIN + mm(50), WIDTH - MARGIN - mm(50), WIDTH - MARGIN - mm(2))
    head = Style(pt(9.5), "bold")
    sheet.canvas.text(columns[0], sheet.y + head.size, "Reçu n°", head, INK_SOFT)
    sheet.canvas.text(columns[1], sheet.y + head.size, "Date du don", head, INK_SOFT)
    sheet.canvas.text(columns[2], sheet.y + head.size, "Statut", head, INK_SOFT)
    sheet.canvas.text(columns[3], sheet.y + head.size, "Montant", head, INK_SOFT, "end")
    sheet.y += head.size * 1.8
    body = Style(pt(10))
    for line in summary.lines:
        sheet.need(body.size * 1.8)
        base = sheet.y + body.size
        sheet.canvas.text(columns[0], base, line.number, body, INK)
        sheet.canvas.text(columns[1], base, french_date(line.gift_date), body, INK)
        sheet.canvas.text(columns[2], base, "annulé" if line.is_cancelled else "émis", body,
                          OCHRE if line.is_cancelled else INK)
        sheet.canvas.text(columns[3], base, euros(line.amount_cents), body, INK, "end")
        sheet.canvas.line([(MARGIN, sheet.y + body.size * 1.55),
                           (WIDTH - MARGIN, sheet.y + body.size * 1.55)], fill=LINE, width=2)
        sheet.y += body.size * 1.8
    total = sum(line.amount_cents for line in summary.lines if not line.is_cancelled)
    sheet.y += mm(3)
    sheet.field("Total des dons", euros(total))
    sheet.field("En toutes lettres", euros_in_words(total))
    sheet.text("Ce récapitulatif reprend les reçus émis ; chacun d’eux reste la pièce "
               "justificative de son don. Les reçus annulés (dons remboursés) ne comptent pas "
               "dans le total.", Style(pt(9)), INK_SOFT)
    sheet.y += mm(4)
    sheet.text(f"Fait le {french_date(summary.made_on)}", Style(pt(10)))
    sheet.text(issuer.signatory_name, Style(pt(11), "bold"))
    sheet.text(issuer.signatory_role, Style(pt(10)), INK_SOFT)
    return sheet.close(f"{issuer.name} · récapitulatif des dons {summary.year}")


def attestation_pdf(attestation: AttestationPrint, issuer: Issuer, *,
                    title: str = "Attestation de paiement", number: str = "",
                    reference: str = "") -> bytes:
    """What an order cost and how it was paid: the seller, the buyer, each line with its
    amount TTC, the VAT mention, the payment's means and date (an invoice when `number`)."""
    document = PdfDocument(DPI, title=f"{title} {number or attestation.order_code}",
                           author=issuer.name)
    sheet = _Sheet(document, _header(title, f"{issuer.name} — {issuer.registration}",
                                     f"N° {number}" if number
                                     else f"Commande {attestation.order_code}"))
    sheet.section("Vendeur")
    sheet.field("Nom ou dénomination", issuer.name)
    sheet.field("RNA ou SIREN", issuer.registration)
    sheet.field("Adresse", issuer.address)
    if issuer.email:
        sheet.field("Contact", issuer.email)
    sheet.section("Acheteur")
    if attestation.company:
        sheet.field("Société", attestation.company[0])
        for label, value in zip(("Adresse", "N° de TVA"), attestation.company[1:]):
            if value:
                sheet.field(label, value)
        sheet.field("Commandé par", attestation.buyer_name)
    else:
        sheet.field("Nom", attestation.buyer_name)
    if attestation.buyer_email:
        sheet.field("E-mail", attestation.buyer_email)
    sheet.field("Commande", f"{attestation.order_code} — {attestation.event}")
    if reference:
        sheet.field("Référence", reference)

    sheet.section("Détail (montants TTC)")
    columns = (MARGIN + mm(2), WIDTH - MARGIN - mm(62), WIDTH - MARGIN - mm(32),
               WIDTH - MARGIN - mm(2))
    head = Style(pt(9.5), "bold")
    for x, label, align in ((columns[0], "Désignation", "start"),
                            (columns[1], "Quantité", "end"),
                            (columns[2], "Prix unitaire", "end"),
                            (columns[3], "Montant", "end")):
        sheet.canvas.text(x, sheet.y + head.size, label, head, INK_SOFT, align)
    sheet.y += head.size * 1.8
    body = Style(pt(10))
    for line in attestation.lines:
        # The designation whole, on as many lines as it takes (a ticket type's name has 120
        # characters at most): an invoice says what was sold, never cut short.
        label = sheet.canvas.wrap(line.label, body, columns[1] - columns[0] - mm(20),
                                  max_lines=4) or [""]
        extra = body.size * 1.3 * (len(label) - 1)
        sheet.need(body.size * 1.8 + extra)
        base = sheet.y + body.size
        sheet.canvas.lines(columns[0], sheet.y, label, body, INK, leading=1.3)
        sheet.canvas.text(columns[1], base, str(line.quantity), body, INK, "end")
        sheet.canvas.text(columns[2], base, euros(line.unit_cents), body, INK, "end")
        sheet.canvas.text(columns[3], base, euros(line.total_cents), body, INK, "end")
        rule = sheet.y + extra + body.size * 1.55
        sheet.canvas.line([(MARGIN, rule), (WIDTH - MARGIN, rule)], fill=LINE, width=2)
        sheet.y += body.size * 1.8 + extra
    sheet.y += mm(2)
    sheet.field("Total TTC", euros(attestation.total_cents))
    if attestation.refunded_cents:
        sheet.field("Remboursé", euros(attestation.refunded_cents))
        sheet.field("Reste payé", euros(attestation.total_cents - attestation.refunded_cents))
    sheet.field("TVA", issuer.vat_mention)
    sheet.field("Mode de paiement", method_label(attestation.method))
    sheet.field("Date du paiement",
                french_date(attestation.paid_on) if attestation.paid_on else "non payée")
    sheet.y += mm(4)
    sheet.text(f"Fait le {french_date(attestation.made_on)}", Style(pt(10)))
    return sheet.close(f"{issuer.name} · {issuer.address}")
