"""Fixtures of the calls' tests: the translated application of the mail tests."""
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401  (fixtures)
