"""The terms of sale: the public pages (the version in force and every earlier one, in the
reader's language) and the organisers' page that publishes a new version."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, public, roles
from festival.core.errors import DomainError
from festival.core.forms import refuse
from festival.core.i18n import RTL_LANGUAGES
from festival.core.language_fields import LANGUAGE_LABELS
from festival.core.legal import legal_context
from festival.core.translated import current_language
from festival.ticketing import orders, terms
from festival.ticketing.blueprints import bp, manage_bp
from festival.ticketing.forms import TermsForm

HOLD_MINUTES = int(orders.HOLD.total_seconds() // 60)


def _template_terms(*, in_force: bool):
    """The terms written in the template, translated with the interface."""
    return render_template("ticketing/terms.html", terms_version=terms.TERMS_VERSION,
                           terms_date=date.fromisoformat(terms.TERMS_VERSION),
                           in_force=in_force, hold_minutes=HOLD_MINUTES, **legal_context())


def _published_terms(version: terms.TermsVersion, *, in_force: bool):
    reader = current_language()
    shown = reader if version.texts_of("text").get(reader) else "fr"
    return render_template("ticketing/terms_published.html", version=version,
                           paragraphs=version.paragraphs(shown), shown=shown,
                           shown_dir="rtl" if shown in RTL_LANGUAGES else "ltr",
                           fallback=shown != reader, in_force=in_force, **legal_context())


@bp.get("/terms-of-sale", endpoint="terms")
@public
def terms_page():
    """The terms of sale in force, in the reader's language (else French)."""
    current = terms.current_terms()
    if current is None:
        return _template_terms(in_force=True)
    return _published_terms(current, in_force=True)


@bp.get("/terms-of-sale/<version>", endpoint="terms_version")
@public
def terms_version_page(version: str):
    """One version of the terms of sale, in force or not: the one an order was made under."""
    current = terms.current_terms()
    if version == terms.TERMS_VERSION:
        return _template_terms(in_force=current is None)
    found = terms.terms_version(version)
    if found is None:
        abort(404)
    return _published_terms(found, in_force=current is not None and current.id == found.id)


@manage_bp.route("/terms-of-sale", methods=["GET", "POST"], endpoint="terms")
@roles(Role.ORGANISER)
def manage_terms():
    """Publish a new version of the terms of sale; every version published so far."""
    current = terms.current_terms()
    form = TermsForm()
    status = 200
    if form.validate_on_submit():
        try:
            terms.publish_terms(form.texts("text"), actor=current_user)
        except DomainError as error:
            status = refuse(form, error)
        else:
            flash(_("The new terms of sale are published: orders made from now on are made "
                    "under them."), "success")
            return redirect(url_for("manage_tickets.terms"))
    elif form.is_submitted():
        status = 422
    elif current is not None:
        form.fill_texts(current)
    missing = [LANGUAGE_LABELS.get(lang, lang) for lang in current.missing_languages("text")] \
        if current is not None else []
    return render_template("ticketing/manage/terms.html", form=form, current=current,
                           versions=terms.all_versions(), missing=missing,
                           template_version=terms.TERMS_VERSION,
                           template_date=date.fromisoformat(terms.TERMS_VERSION)), status
