"""US states, DC and the territories by name in the page's language; letters keep the English."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from webapp.civic.countries import name_order
from webapp.civic.states import STATES, State

# The English names are civic/states.py's (a test keeps the two alike). Offices, packets and
# organisers' pages use those; these are what a supporter's page and form say.
STATE_LABELS = {
    "AL": _l("Alabama"),
    "AK": _l("Alaska"),
    "AZ": _l("Arizona"),
    "AR": _l("Arkansas"),
    "CA": _l("California"),
    "CO": _l("Colorado"),
    "CT": _l("Connecticut"),
    "DE": _l("Delaware"),
    "DC": _l("District of Columbia"),
    "FL": _l("Florida"),
    "GA": _l("Georgia"),
    "HI": _l("Hawaii"),
    "ID": _l("Idaho"),
    "IL": _l("Illinois"),
    "IN": _l("Indiana"),
    "IA": _l("Iowa"),
    "KS": _l("Kansas"),
    "KY": _l("Kentucky"),
    "LA": _l("Louisiana"),
    "ME": _l("Maine"),
    "MD": _l("Maryland"),
    "MA": _l("Massachusetts"),
    "MI": _l("Michigan"),
    "MN": _l("Minnesota"),
    "MS": _l("Mississippi"),
    "MO": _l("Missouri"),
    "MT": _l("Montana"),
    "NE": _l("Nebraska"),
    "NV": _l("Nevada"),
    "NH": _l("New Hampshire"),
    "NJ": _l("New Jersey"),
    "NM": _l("New Mexico"),
    "NY": _l("New York"),
    "NC": _l("North Carolina"),
    "ND": _l("North Dakota"),
    "OH": _l("Ohio"),
    "OK": _l("Oklahoma"),
    "OR": _l("Oregon"),
    "PA": _l("Pennsylvania"),
    "RI": _l("Rhode Island"),
    "SC": _l("South Carolina"),
    "SD": _l("South Dakota"),
    "TN": _l("Tennessee"),
    "TX": _l("Texas"),
    "UT": _l("Utah"),
    "VT": _l("Vermont"),
    "VA": _l("Virginia"),
    "WA": _l("Washington"),
    "WV": _l("West Virginia"),
    "WI": _l("Wisconsin"),
    "WY": _l("Wyoming"),
    "AS": _l("American Samoa"),
    "GU": _l("Guam"),
    "MP": _l("Northern Mariana Islands"),
    "PR": _l("Puerto Rico"),
    "VI": _l("U.S. Virgin Islands"),
}
_CHOOSE = _l("Choose your state")


def state_name(code: str | None) -> str:
    """A state's name in the page's language; an unknown code as it is."""
    label = STATE_LABELS.get(code or "")
    return str(label) if label is not None else code or ""


@lru_cache(maxsize=16)
def state_options(language: str) -> list[SelectChoice]:
    """The form's state list in one language, made once per process: the states and DC in that
    language's alphabetical order, then the territories, as in English. The values stay the
    postal codes, which is what the form sends and what a browser's address autofill matches."""
    with force_locale(language):
        names = {state.code: str(STATE_LABELS[state.code]) for state in STATES}
        choose = str(_CHOOSE)

    def order(state: State) -> tuple[bool, str]:
        # The territories elect non-voting members (FIPS 60 and up) and come last.
        return state.fips >= "60", name_order(names[state.code])

    ordered = sorted(STATES, key=order)
    return [SelectChoice("", choose)] + [SelectChoice(s.code, names[s.code]) for s in ordered]
