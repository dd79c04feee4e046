"""The API contract tests: the OpenAPI document and the schemathesis run."""
from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "schemathesis: runs schemathesis against the live test server")


# The application with its real catalogues, for the language of error messages.
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401
