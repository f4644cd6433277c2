"""The receipt email's copy of what was written: each distinct letter once, with its offices."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from webapp.models import Delivery


@dataclass(frozen=True)
class Greeted:
    """One office a copy went to, and its own greeting when the copy leaves greetings out."""

    delivery: Delivery
    salutation: str = ""


@dataclass(frozen=True)
class LetterCopy:
    offices: list[Greeted]
    text: str  # the whole letter, or (when `offices` carry greetings) all of it but those


def letter_copies(deliveries: Iterable[Delivery]) -> list[LetterCopy]:
    """Letters that differ only in their greeting ("Dear Senator X,") are shown once, with each
    office's greeting listed; letters that differ in more (a cover note) each stay whole."""
    groups: dict[str, list[Greeted]] = {}
    for delivery in deliveries:
        full = delivery.final_text
        greeting, blank, rest = full.partition("\n\n")
        salutation = (delivery.salutation or "").strip()
        key = rest if blank and salutation and greeting.strip() == salutation else full
        groups.setdefault(key, []).append(Greeted(delivery, salutation))
    copies = []
    for rest, members in groups.items():
        if len(members) == 1 or len({g.salutation for g in members}) == 1:
            # The same letter, greeting and all.
            whole = [Greeted(g.delivery) for g in members]
            copies.append(LetterCopy(whole, members[0].delivery.final_text))
        else:
            copies.append(LetterCopy(members, rest))
    return copies
