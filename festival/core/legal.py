"""Who sells and who publishes: the details the terms of sale (ticketing.terms) and the
legal notice (core.legal) show, read from the settings (festival/config.py LEGAL_SETTINGS)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from festival.config import LEGAL_SETTINGS


@dataclass(frozen=True)
class Detail:
    """One setting as a page shows it: its value, and whether it is the demo's example."""

    value: str
    is_example: bool

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)


def legal_details() -> dict[str, Detail]:
    """Every legal setting by name (SELLER_NAME, HOSTING_CONTACT…), for the templates."""
    config = current_app.config
    examples = config.get("LEGAL_EXAMPLES", frozenset())
    return {name: Detail(config.get(name, default) or "", name in examples)
            for name, default in LEGAL_SETTINGS.items()}


def legal_context() -> dict:
    """The templates' variables: `legal` (the details by name) and `has_examples`."""
    details = legal_details()
    return {"legal": details, "has_examples": any(d.is_example for d in details.values())}
