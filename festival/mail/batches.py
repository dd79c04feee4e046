"""What each mailing (OutboxMessage.batch) is, for the organisers' "Mailings" pages.

A batch is named "<prefix>:<rest>" ("message:12", "rule:3:2027-05-08"). The domain that
queues a kind of batch registers, at start-up, a function that says what its batches are:
their label and the edition they belong to (`register_batch_kind`). A batch whose prefix
nobody registered is still listed, under its name, with every edition (its edition is not
known), so that no mailing is ever hidden.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from festival.mail.queries import BatchStats, batch_stats

KINDS = "festival.mail_batch_kinds"  # the key in app.extensions


@dataclass(frozen=True)
class BatchInfo:
    """What a batch is: its label for people, its edition (None: not known) and its kind
    (the prefix of its name: "message", "rule"…)."""

    label: str
    edition_id: int | None = None
    kind: str = ""


# describe(batch names of one prefix) -> {name: BatchInfo} (a name it does not know: left out)
BatchDescriber = Callable[[list[str]], dict[str, BatchInfo]]


def register_batch_kind(app: Flask, prefix: str, describe: BatchDescriber) -> None:
    """Say what the batches "<prefix>:…" are (label and edition), e.g.
    register_batch_kind(app, "rule", describe_rule_batches)."""
    app.extensions.setdefault(KINDS, {})[prefix] = describe


def prefix_of(batch: str) -> str:
    return batch.partition(":")[0]


def describe_batches(batches: list[str]) -> dict[str, BatchInfo]:
    """Each batch's BatchInfo, from its prefix's describer, or its name when none knows it."""
    kinds = current_app.extensions.get(KINDS, {})
    by_prefix: dict[str, list[str]] = {}
    for batch in batches:
        by_prefix.setdefault(prefix_of(batch), []).append(batch)
    found: dict[str, BatchInfo] = {}
    for prefix, names in by_prefix.items():
        describe = kinds.get(prefix)
        if describe is not None:
            found.update(describe(names))
    return {batch: found.get(batch) or BatchInfo(label=batch, kind=prefix_of(batch))
            for batch in batches}


@dataclass(frozen=True)
class Mailing:
    batch: str
    info: BatchInfo
    stats: BatchStats


def edition_mailings(edition_id: int) -> list[Mailing]:
    """Every mailing of an edition (and those whose edition is unknown), newest first."""
    stats = batch_stats()
    infos = describe_batches(sorted(stats))
    mailings = [Mailing(batch, infos[batch], stats[batch]) for batch in stats
                if infos[batch].edition_id in (edition_id, None)]
    return sorted(mailings, key=lambda m: (m.stats.first_queued_at is not None,
                                           m.stats.first_queued_at, m.batch), reverse=True)


def edition_mailing(edition_id: int, batch: str) -> Mailing | None:
    """One mailing of the edition (None when it has no message or belongs to another)."""
    stats = batch_stats([batch]).get(batch)
    if stats is None:
        return None
    info = describe_batches([batch])[batch]
    if info.edition_id not in (edition_id, None):
        return None
    return Mailing(batch, info, stats)

