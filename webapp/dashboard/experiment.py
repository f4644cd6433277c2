"""The story-prompt experiment on the dashboard: per variant, how many write their own words."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.campaigns.prompts import questions_for, variant_names
from webapp.i18n import bdi, page_language, quoted
from webapp.models import Campaign, Submission, SubmissionStatus
from webapp.services.intervals import median, median_ranks, newcombe, wilson


@dataclass
class VariantRow:
    """One variant's confirmed letters. "Own words": a personal paragraph or a rewritten
    statement, as the dashboard's "wrote their own words"; the length is the paragraph's
    characters, among the letters that have one."""

    name: str
    letters: int = 0
    with_own_words: int = 0
    # Paragraph lengths in characters, sorted, of the letters with a paragraph.
    lengths: list[int] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return self.with_own_words / self.letters if self.letters else None

    @property
    def share_interval(self) -> tuple[float, float] | None:
        return wilson(self.with_own_words, self.letters)

    @property
    def median_length(self) -> float | None:
        return median(self.lengths)

    @property
    def median_interval(self) -> tuple[int, int] | None:
        ranks = median_ranks(len(self.lengths))
        if ranks is None:
            return None
        return self.lengths[ranks[0] - 1], self.lengths[ranks[1] - 1]


@dataclass
class Comparison:
    """A variant against the first one: the difference of shares, in points, and its interval."""

    variant: str
    reference: str
    difference: float
    lower: float
    upper: float

    @property
    def clear(self) -> bool:
        return self.lower > 0 or self.upper < 0


@dataclass
class Experiment:
    variants: list[VariantRow]
    comparisons: list[Comparison]
    sentence: str  # plain, for data.json
    # For the page: each name and signed figure isolated, or in an Arabic sentence the English
    # name and the "-15" after it made one left-to-right run ("«15- «family»").
    sentence_html: Markup
    # Each variant's first question in the page's language where the file has it, quoted and
    # marked with its language: the names are the file's keys ("family", "why"), which say
    # little to an organiser, and nothing in Arabic.
    questions: list[tuple[str, Markup]] = field(default_factory=list)


def _rows(session: Session, campaign_id: int) -> dict[str, VariantRow]:
    """Grouped in the database (one row per variant, length and rewrite), then expanded: the
    distinct lengths are few, however many letters there are."""
    rewritten = Submission.edited_body.is_not(None).label("rewritten")
    query = (
        select(
            Submission.prompt_variant,
            func.coalesce(Submission.own_words_chars, 0),
            rewritten,
            func.count(),
        )
        .where(
            Submission.campaign_id == campaign_id,
            Submission.status == SubmissionStatus.CONFIRMED,
            Submission.prompt_variant.is_not(None),
        )
        .group_by(Submission.prompt_variant, Submission.own_words_chars, rewritten)
    )
    rows: dict[str, VariantRow] = {}
    lengths: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for variant, chars, is_rewritten, count in session.execute(query):
        variant = str(variant)
        row = rows.setdefault(variant, VariantRow(variant))
        row.letters += count
        if chars > 0 or is_rewritten:
            row.with_own_words += count
        if chars > 0:
            lengths[variant].append((chars, count))
    for variant, counted in lengths.items():
        rows[variant].lengths = [chars for chars, count in sorted(counted) for _ in range(count)]
    return rows


def prompt_experiment(session: Session, campaign: Campaign) -> Experiment | None:
    """Per variant in the campaign file's order (then any variant since removed from it), with
    each later variant compared with the first; None when the campaign has no prompts now."""
    names = variant_names(campaign.prompts)
    if not names:
        return None  # not even a query: most campaigns have no prompts
    found = _rows(session, campaign.id)
    names += sorted(name for name in found if name not in names)
    variants = [found.get(name) or VariantRow(name) for name in names]
    reference = variants[0]
    comparisons = []
    for row in variants[1:]:
        result = newcombe(
            reference.with_own_words, reference.letters, row.with_own_words, row.letters
        )
        if result is not None:
            comparisons.append(Comparison(row.name, reference.name, *result))
    plain = " ".join(_sentences(variants, comparisons, str, str, str))
    marked = Markup(" ").join(_sentences(variants, comparisons, escape, bdi, _ltr))
    return Experiment(variants, comparisons, plain, marked, _first_questions(campaign, names))


def _first_questions(campaign: Campaign, names: list[str]) -> list[tuple[str, Markup]]:
    """(variant, its first question) for the variants the campaign still has."""
    language = page_language()
    found = []
    for name in names:
        asked = questions_for(campaign.prompts, name, language, campaign.language)
        if asked:
            per_language = (campaign.prompts or {}).get(name) or {}
            lang = language if per_language.get(language) else campaign.language
            # The page's quotation marks, outside the isolate (an English question on an
            # Arabic page keeps «» on their Arabic sides).
            question = Markup('<bdi lang="{}">{}</bdi>').format(lang, asked[0])
            found.append((name, escape(quoted("%s")) % question))
    return found


def _points(value: float) -> str:
    return f"{value * 100:+.0f}"


def _ltr(value: str) -> Markup:
    """A signed figure kept as written ("-15", "+14") in a right-to-left sentence."""
    return Markup('<bdi dir="ltr">%s</bdi>') % value


Wrap = Callable[[str], str]


_MORE = _l(
    "Clear: supporters shown “%(variant)s” write their own words more often than those shown "
    "“%(reference)s” (%(difference)s points, 95%% interval %(lower)s to %(upper)s)."
)
_LESS = _l(
    "Clear: supporters shown “%(variant)s” write their own words less often than those shown "
    "“%(reference)s” (%(difference)s points, 95%% interval %(lower)s to %(upper)s)."
)
_UNCLEAR = _l(
    "Not clear yet: “%(variant)s” against “%(reference)s” is %(difference)s points, but the 95%% "
    "interval (%(lower)s to %(upper)s) still includes no difference; wait for more letters."
)


def _sentences(
    variants: list[VariantRow],
    comparisons: list[Comparison],
    text: Wrap,
    name: Wrap,
    figure: Wrap,
) -> list[str]:
    """The verdict's sentences, the words passed through `text`, each variant's name through
    `name` and each figure through `figure`: str for plain text; for the page, escape and
    Markup that isolates the values."""
    if len(variants) < 2:
        return [
            text(
                _(
                    "One variant: every supporter sees the same prompts, so there is nothing"
                    " to compare."
                )
            )
        ]
    if len(comparisons) < len(variants) - 1:
        return [text(_("Not clear yet: some variants have no letters so far."))]
    parts = []
    for c in comparisons:
        values = {
            "variant": name(c.variant),
            "reference": name(c.reference),
            "difference": figure(_points(c.difference)),
            "lower": figure(_points(c.lower)),
            "upper": figure(_points(c.upper)),
        }
        template = (_MORE if c.difference > 0 else _LESS) if c.clear else _UNCLEAR
        parts.append(text(str(template)) % values)
    return parts


def experiment_json(experiment: Experiment) -> dict[str, Any]:
    """The dashboard's data.json view of the experiment."""
    return {
        "variants": [
            {
                "name": v.name,
                "letters": v.letters,
                "with_own_words": v.with_own_words,
                "share": v.share,
                "share_interval": v.share_interval,
                "median_length": v.median_length,
                "median_interval": v.median_interval,
            }
            for v in experiment.variants
        ],
        "comparisons": [
            {
                "variant": c.variant,
                "reference": c.reference,
                "difference": c.difference,
                "interval": [c.lower, c.upper],
                "clear": c.clear,
            }
            for c in experiment.comparisons
        ],
        "sentence": experiment.sentence,
    }
