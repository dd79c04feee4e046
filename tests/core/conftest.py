"""Fixtures of the core's tests."""
from __future__ import annotations

# The application with its real catalogues: the legal notice in French and Arabic.
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401
