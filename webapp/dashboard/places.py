"""Where supporters live, as the dashboard lists it: US states by name in the page's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from webapp.civic.countries import name_order
from webapp.dashboard.blueprint import bp
from webapp.supporter.state_names import state_name


@dataclass(frozen=True)
class StateRow:
    code: str  # the postal code, as the exports and the map's tiles give it
    name: str  # in the page's language; an unknown code as it is
    letters: int


@bp.app_template_global()
def states_by_letters(counts: Mapping[str, int]) -> list[StateRow]:
    """The states table's rows, most letters first as it always was, each state named in the
    page's language: Arabic pages listed "MI" where the letters' lines say ميشيغان. Ties in the
    language's alphabetical order, so they no longer follow the database's row order."""
    rows = [StateRow(code, state_name(code), n) for code, n in counts.items()]
    return sorted(rows, key=lambda row: (-row.letters, name_order(row.name), row.code))
