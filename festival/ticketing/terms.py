"""The terms of sale: their version, which each order keeps with how they were agreed to.

The text lives in templates/ticketing/terms.html: change TERMS_VERSION whenever it changes in
substance, so that an order shows which terms its buyer accepted.
"""
from __future__ import annotations

TERMS_VERSION = "2026-12-07"
