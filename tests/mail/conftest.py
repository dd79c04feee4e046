"""Fixtures of the mail tests: an application whose translations are compiled afresh."""
from __future__ import annotations

from pathlib import Path

import pytest

TRANSLATIONS = Path(__file__).resolve().parents[2] / "festival" / "translations"


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory):
    """The catalogues compiled from the .po files into a temporary folder, so that the tests
    do not depend on a previous `pybabel compile`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    target = tmp_path_factory.mktemp("translations")
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        language = po.parent.parent.name
        with po.open("rb") as source:
            catalog = read_po(source, locale=language)
        mo = target / language / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True)
        with mo.open("wb") as out:
            write_mo(out, catalog)
    return target


@pytest.fixture
def translated_app(test_environ, compiled_translations, app):
    """The application with those catalogues (same database as `app`)."""
    from festival.extensions import babel
    from tests.conftest import make_app
    # Flask-Babel caches catalogues per language across applications: start and end clean
    # (its domain is found through an application).
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield make_app(test_environ, BABEL_TRANSLATION_DIRECTORIES=str(compiled_translations))
    with app.app_context():
        babel.domain_instance.cache.clear()
