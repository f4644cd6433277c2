"""Server-drawn SVG charts (no JavaScript, no CDN): bars over time and a US tile-grid map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_skeleton
from flask_babel import get_locale, get_translations, gettext
from markupsafe import Markup, escape

from webapp.i18n import number
from webapp.supporter.state_names import state_name

# A tile grid map: each state one square, laid out roughly where it lies (column, row).
TILE_GRID: dict[str, tuple[int, int]] = {
    "AK": (0, 0),
    "ME": (11, 0),
    "VT": (10, 1),
    "NH": (11, 1),
    "WA": (1, 2),
    "ID": (2, 2),
    "MT": (3, 2),
    "ND": (4, 2),
    "MN": (5, 2),
    "IL": (6, 2),
    "WI": (7, 2),
    "MI": (8, 2),
    "NY": (9, 2),
    "RI": (10, 2),
    "MA": (11, 2),
    "OR": (1, 3),
    "NV": (2, 3),
    "WY": (3, 3),
    "SD": (4, 3),
    "IA": (5, 3),
    "IN": (6, 3),
    "OH": (7, 3),
    "PA": (8, 3),
    "NJ": (9, 3),
    "CT": (10, 3),
    "CA": (1, 4),
    "UT": (2, 4),
    "CO": (3, 4),
    "NE": (4, 4),
    "MO": (5, 4),
    "KY": (6, 4),
    "WV": (7, 4),
    "VA": (8, 4),
    "MD": (9, 4),
    "DE": (10, 4),
    "AZ": (2, 5),
    "NM": (3, 5),
    "KS": (4, 5),
    "AR": (5, 5),
    "TN": (6, 5),
    "NC": (7, 5),
    "SC": (8, 5),
    "DC": (9, 5),
    "OK": (4, 6),
    "LA": (5, 6),
    "MS": (6, 6),
    "AL": (7, 6),
    "GA": (8, 6),
    "HI": (0, 7),
    "TX": (4, 7),
    "FL": (9, 7),
    "GU": (0, 8),
    "MP": (1, 8),
    "AS": (2, 8),
    "PR": (10, 8),
    "VI": (11, 8),
}
# Tile labels in the map's units: the 528-unit-wide map is about 300 px wide on a 360 px phone,
# where 20 units are 11 px (12 were 7 px).
_TILE_FONT = 20
# From this many bars on (two weeks of days) they share the box's width; fewer keep a width
# each (40 of the 160 units high: 36 px at the chart's 9rem), so one busy day is a bar, not a
# green block across the page.
FULL_WIDTH_FROM = 14
_BAR_UNITS = 40
_SHADES = ("#eef5f1", "#c7e3d3", "#92c7a9", "#58a67c", "#2a7f55", "#0b5d3b")


@dataclass(frozen=True)
class Bar:
    label: str  # the bucket's key as data.json's per_day and per_hour give it ("12-04")
    value: int
    shown: str = ""  # the label for people ("Dec 4"), when it differs from the key
    key: str = ""  # the whole key, with its year ("2026-12-04", "2026-12-04T13")

    @property
    def title(self) -> str:
        return self.shown or self.label


def _shade(value: int, top: int) -> str:
    if value <= 0 or top <= 0:
        return "#ffffff"
    index = 1 + min(len(_SHADES) - 2, int((value / top) * (len(_SHADES) - 1)))
    return _SHADES[index]


def bar_chart(bars: Sequence[Bar], title: str, width: int = 640, height: int = 160) -> Markup:
    """Vertical bars with the title as the accessible name; the table beside it holds the data.

    The bars stretch to the box; the scale and the first and last buckets are HTML around
    them, so they keep their size on a phone (inside the SVG they shrank with it to ~5 px).
    Fewer than `FULL_WIDTH_FROM` bars keep a bar's width instead: their viewBox is
    `_BAR_UNITS` wide a bar, and the SVG takes its shape at the chart's height (CSS).
    """
    top = max((b.value for b in bars), default=0) or 1
    gap = 2
    few = 0 < len(bars) < FULL_WIDTH_FROM
    if few:
        width = len(bars) * _BAR_UNITS
    slot = width / max(1, len(bars))
    parts = [
        f'<figure class="bar-chart{" few-bars" if few else ""}">',
        # The labels beside the SVG repeat the table next to each chart: hidden from screen
        # readers, which would read them out of context.
        f'<p class="chart-top" aria-hidden="true">{number(top)}</p>',
        f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" '
        'stroke="#4a4a55" stroke-width="1" vector-effect="non-scaling-stroke"/>',
    ]
    for i, bar in enumerate(bars):
        h = height * bar.value / top
        parts.append(
            f'<rect x="{i * slot + gap / 2:.1f}" y="{height - h:.1f}" '
            f'width="{max(1.0, slot - gap):.1f}" height="{h:.1f}" fill="#0b5d3b">'
            f"<title>{escape(bar.title)}: {number(bar.value)}</title></rect>"
        )
    parts.append("</svg>")
    # Time runs left to right in the bars whatever the page's direction: so do their ends.
    parts.append('<p class="chart-axis" dir="ltr" aria-hidden="true">')
    if bars:
        parts.append(f'<bdi dir="auto">{escape(bars[0].title)}</bdi>')
    if len(bars) > 1:  # one day alone is not labelled at both ends
        parts.append(f'<bdi dir="auto">{escape(bars[-1].title)}</bdi>')
    parts.append("</p></figure>")
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped or numeric


def state_map(counts: Mapping[str, int], title: str, tile: int = 44) -> Markup:
    """A tile-grid map of letters by state; darker tiles mean more letters."""
    top = max(counts.values(), default=0)
    cols = 1 + max(c for c, _ in TILE_GRID.values())
    rows = 1 + max(r for _, r in TILE_GRID.values())
    parts = [
        f'<svg class="chart state-map" viewBox="0 0 {cols * tile} {rows * tile}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for state, (col, row) in TILE_GRID.items():
        value = counts.get(state, 0)
        fill = _shade(value, top)
        ink = "#ffffff" if fill in _SHADES[3:] else "#1b1b1f"
        x, y = col * tile, row * tile
        parts.append(
            f'<g><rect x="{x + 1}" y="{y + 1}" width="{tile - 2}" height="{tile - 2}" '
            f'fill="{fill}" stroke="#c9c7bf"><title>{escape(_tile_title(state, value))}</title>'
            "</rect>"
            f'<text x="{x + tile / 2}" y="{y + tile / 2 + 7}" font-size="{_TILE_FONT}" '
            f'text-anchor="middle" fill="{ink}">{state}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - codes fixed, tooltips escaped


def _tile_title(state: str, letters: int) -> str:
    """A tile's tooltip: the state named in the page's language, as the states table names
    it, with the code the tile shows."""
    # TRANSLATORS: a state's tile on the dashboard's map: its name, its postal code, letters.
    pattern = get_translations().ngettext(
        "%(state)s (%(code)s): %(num)s letter", "%(state)s (%(code)s): %(num)s letters", letters
    )
    return str(pattern) % {"state": state_name(state), "code": state, "num": number(letters)}


def series(buckets: dict[str, int], keys: list[str], label_from: int = 0) -> list[Bar]:
    """A bar for each key in order (none missing), labelled for data.json and for people."""
    return [Bar(key[label_from:], buckets.get(key, 0), _shown(key), key) for key in keys]


def _shown(key: str) -> str:
    """ "2026-12-04" as "Dec 4", "2026-12-04T13" as "Dec 4, 13:00", in the page's language
    (its comma too: Arabic hours read "4 ديسمبر, 13:00", with a Latin one)."""
    day = format_skeleton("MMMd", date.fromisoformat(key[:10]), locale=str(get_locale() or "en"))
    if len(key) <= 10:
        return day
    # TRANSLATORS: an hour's bar on the dashboard's chart: a day ("Dec 4"), then its hour.
    return str(gettext("%(day)s, %(hour)s", day=day, hour=f"{key[11:13]}:00"))


def days_between(buckets: dict[str, int]) -> list[str]:
    """Every day from the first bucket's to the last's, the quiet ones too."""
    if not buckets:
        return []
    first, last = date.fromisoformat(min(buckets)), date.fromisoformat(max(buckets))
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def last_hours(now: datetime, hours: int = 48) -> list[str]:
    """The keys of the last `hours` hours, up to the current one."""
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    return [(start + timedelta(hours=i)).strftime("%Y-%m-%dT%H") for i in range(hours)]
