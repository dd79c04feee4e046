"""Fixtures of the translation tests: the application with the real catalogues."""
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401
