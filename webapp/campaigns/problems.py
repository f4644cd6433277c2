"""Campaign file problems as a kind and its values: English for the command line, and said in
the page's language by the dashboard's editor and import page."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from webapp.i18n import isolate_in_subject, number, page_language


def N_(message: str) -> str:  # gettext's name for "extract now, translate when shown"
    """Marks an English message for extraction; it is translated when said (`Problem.said`)."""
    return message


class Kind(enum.Enum):
    """Every problem a campaign file check reports; each value is its English message, whose
    placeholders a Problem fills: `field` and `other_field` name other keys of the file."""

    NO_FRONT_MATTER = N_("the file must start with '---', YAML, then '---'")
    BAD_YAML = N_("the front matter is not valid YAML")
    FRONT_NOT_MAPPING = N_("front matter must be a mapping of keys to values")
    REQUIRED = N_("is required")
    TEXT = N_("must be text")
    FLAG = N_("must be true or false")
    URL = N_("must be an http(s) URL")
    EMAIL = N_("is not a valid email address")
    MOMENT = N_("must be an ISO date or date-time, e.g. 2026-12-01T09:00:00Z")
    DATE = N_("must be a date")
    TOO_LONG = N_("is %(length)s characters; the limit is %(limit)s")
    SLUG = N_("use 2-80 lower-case letters, digits and hyphens")
    STATUS = N_("must be one of draft, live, closed, not %(value)s")
    EMPTY_LETTER = N_("the letter is empty")
    EDITABLE_MERGE = N_(
        "an editable letter cannot contain merge fields (supporters would see them); "
        "lock the letter (%(field)s) or move merge fields to %(other_field)s"
    )
    NOT_MERGED = N_("merge fields are not filled in here; write it as it should read")
    SHORT_BODY_MERGE = N_("cannot contain merge fields (it is pasted as it is)")
    GOAL = N_("must be a whole number above zero")
    CAP = N_("must be a whole number of letters (0: no cap)")
    AFTER = N_("must be after %(field)s")
    AT_MOST = N_("must be at most %(limit)s")
    YEARS = N_("must be a date between %(first)s and %(last)s")
    NO_CONSENT = N_("the campaign has no consent_text to translate")
    PARTNER_NO_CONSENT = N_("partner %(code)s has no consent_text to translate")
    LIST = N_("must be a list")
    NO_TARGET = N_("list at least one target")
    MAPPING = N_("must be a mapping")
    CHAMBERS = N_("list one or more of %(choices)s")
    UNKNOWN_CHAMBERS = N_("unknown chamber(s) %(chambers)s")
    TARGET_KIND = N_("must be 'custom' or 'lookup', not %(value)s")
    AUDIENCE = N_("must be constituents or everyone, not %(value)s")
    FIXED_ONLY = N_(
        "only a fixed (custom) target has one; looked-up officials are named from the roster"
    )
    POST = N_("must be true, false, per_letter or batched")
    FORM_LIMIT = N_("must be a whole number of characters (100+)")
    SIGNATORY_ITEM = N_("must be a name or a mapping with a name")
    MEMBER_UNLISTED = N_("%(name)s is a member of %(member_of)s, which is not itself listed")
    NAME_TWICE = N_("a name is listed twice")
    PARTNER_ITEM = N_("must be a mapping with code and name")
    PARTNER_CODE = N_("letters, digits, '-' and '_' only")
    CODE_TWICE = N_("a code is listed twice")
    TOPIC = N_("%(topic)s is not a Library of Congress policy area (see docs/campaign-files.md)")
    ORIGIN = N_("%(origin)s is not an origin like https://example.org")
    LANGUAGES = N_("must map a language code (e.g. ar) to its translation")
    LANGUAGE_CODE = N_("%(code)s is not a language code such as ar or fr")
    SAME_LANGUAGE = N_("the letter itself is in this language")
    COPY_MAPPING = N_("must be a mapping of keys to text")
    UNKNOWN_KEY = N_("unknown key (use %(keys)s)")
    TRANSLATED_BODY = N_(
        "is required when this language has a title, subject, introduction, salutation or "
        "signatories' names: write the letter in it too, or empty those"
    )
    PARTNER_COPIES = N_(
        "must map each partner's code to its consent sentence, or to {name, consent}"
    )
    PARTNER_UNLISTED = N_("%(code)s is not a listed partner's code")
    PARTNER_SENTENCE = N_("give %(code)s a consent sentence as text")
    PARTNER_KEY = N_("%(code)s has an unknown key %(key)s (use consent, name)")
    PARTNER_EMPTY = N_("give %(code)s a consent sentence or a name")
    PARTNER_NAME_TEXT = N_("give %(code)s a name as text")
    PARTNER_SENTENCE_LONG = N_("the sentence for %(code)s is over %(limit)s characters")
    PARTNER_NAME_LONG = N_("the name for %(code)s is over %(limit)s characters")
    PARTNER_NAME_MERGED = N_(
        "the name for %(code)s: merge fields are not filled in here; write it as it should read"
    )
    SIGNATORY_NAMES = N_("must map each organisation's name to its name here")
    SIGNATORY_UNLISTED = N_("%(name)s is not a listed signatory")
    SIGNATORY_NAME_TEXT = N_("give %(name)s a name as text")
    SIGNATORY_NAME_LONG = N_("the name for %(name)s is over %(limit)s characters")
    PROMPTS = N_("must map a variant name to its questions per language")
    VARIANTS_MAX = N_("at most %(limit)s variants")
    VARIANT_NAME = N_("name a variant with lower-case letters, digits, - and _")
    VARIANT_LANGUAGES = N_("must map a language code (e.g. en) to a list of questions")
    LETTER_QUESTIONS = N_("is required (questions in the letter's language)")
    QUESTION_LANGUAGE = N_("%(code)s is not a language code such as en or ar")
    QUESTIONS = N_("must be a list of questions")
    QUESTIONS_MAX = N_("at most %(limit)s questions")
    QUESTION_TEXT = N_("each question must be text")
    QUESTION_LONG = N_("a question is %(length)s characters; the limit is %(limit)s")
    # Merge fields (webapp/letters/merge.py), in a letter or any text merged like it.
    MERGE_NOT_CLOSED = N_(
        "line %(line)s: a merge field is not closed: write {{ supporter.first_name }}, "
        "with both braces"
    )
    MERGE_SHAPE = N_(
        "line %(line)s: a merge field is not written as {{ group.field }}, "
        "e.g. {{ supporter.city }}"
    )
    MERGE_SYNTAX = N_("line %(line)s: the merge fields cannot be read")
    MERGE_BLOCK = N_(
        "line %(line)s: only merge fields such as {{ supporter.first_name }} are allowed "
        "here, not a %(block)s block"
    )
    MERGE_FILTER = N_("line %(line)s: the filter %(filter)s is not allowed")
    # Found only when the letter is composed (the editor's preview): {{ x | title(3) }}.
    MERGE_FILTER_VALUES = N_("line %(line)s: the filter %(filter)s cannot take these values")
    MERGE_COMPOSE = N_("the merge fields cannot be filled in")
    MERGE_DEEP = N_("line %(line)s: merge fields are one level deep")
    MERGE_UNKNOWN = N_("line %(line)s: unknown merge field %(merge_field)s")
    MERGE_UNKNOWN_NAME = N_("unknown merge field %(name)s: write e.g. supporter.first_name")
    MERGE_SINGLE_BRACE = N_(
        "line %(line)s: %(typed)s would be sent as typed: a merge field has two braces on each "
        "side, as in %(merge_field)s"
    )
    FIXED_GREETING = N_(
        "the campaign's salutation greets offices by %(fields)s, which a fixed office does not "
        "have: this office's letters would open with blanks. Give it its own salutation"
    )


# A tuple is a list of values ("list one or more of %(choices)s"), said as a list.
Value = str | int | tuple[str, ...]
# The placeholders that name another key of the file: the editor says them as its labels do.
FIELDS = frozenset({"field", "other_field"})


def english(kind: Kind, params: dict[str, Value]) -> str:
    if not params:
        return kind.value
    return kind.value % {
        name: ", ".join(value) if isinstance(value, tuple) else value
        for name, value in params.items()
    }


def isolated(value: str) -> str:
    """A value in a sentence isolated where direction can move it: on a right-to-left page, or
    when it holds right-to-left letters (as an email subject's: webapp/i18n.py)."""
    return isolate_in_subject(value, page_language())


def said(
    kind: Kind, params: dict[str, Value], field: Callable[[str], str] = str, text: str | None = None
) -> str:
    """The message in the page's language, each value isolated (a name, a code, a file's key
    or a number as the language writes it keeps its place in a right-to-left sentence);
    `field` names another key of the file (the editor: as its label says). On an English page
    `text`, a library's own words where it gave them, is said instead: they are English, and
    say more (the template engine's "Encountered unknown tag 'endif'")."""
    if text is not None and page_language() == "en":
        return text
    shown = {
        name: isolated(field(str(value))) if name in FIELDS else _value(value)
        for name, value in params.items()
    }
    return str(gettext(kind.value, **shown))


def figure(value: int) -> str:
    """A number in a sentence as `said` puts it: as the page's language writes it, isolated."""
    return isolated(number(value))


def _value(value: Value) -> str:
    if isinstance(value, tuple):
        return listed(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return figure(value)
    return isolated(str(value))


def listed(values: tuple[str, ...]) -> str:
    """Values one after another as the page's language lists them ("a, b" or "a، b"), each
    isolated: a Python list ("['house', 'moon']") showed in the sentence."""
    if not values:
        return ""
    text = isolated(values[0])
    for value in values[1:]:
        # Translators: between the items of a list of values, "a, b, c"; a comma in Arabic.
        text = str(gettext("%(list)s, %(item)s", list=text, item=isolated(value)))
    return text


class Problem(str):
    """One problem, as text: "targets[2].email: is not a valid email address" (the command
    line and logs read it so), with its key (`where`), its kind and values for `said`.

    `text` replaces the English message where a library words it (an email address's fault),
    so the command line keeps the detail the page's language does not have."""

    where: str
    kind: Kind
    params: dict[str, Value]
    text: str | None

    def __new__(cls, where: str, kind: Kind, text: str | None = None, **params: Value) -> Problem:
        message = english(kind, params) if text is None else text
        problem = super().__new__(cls, f"{where}: {message}" if where else message)
        problem.where, problem.kind, problem.params, problem.text = where, kind, params, text
        return problem

    def __getnewargs_ex__(self) -> tuple[tuple[str, Kind, str | None], dict[str, Value]]:
        """What a copy or a pickle rebuilds it from: a str gives its text alone, which this
        __new__ cannot take (copy.copy, deepcopy and pickle raised TypeError)."""
        return (self.where, self.kind, self.text), self.params

    def said(self, field: Callable[[str], str] = str) -> str:
        """The message without its key, in the page's language (`said`)."""
        return said(self.kind, self.params, field, self.text)


class ProblemError(ValueError):
    """A check's refusal as a kind and its values (MergeFieldError), for a Problem to carry."""

    def __init__(self, kind: Kind, text: str | None = None, **params: Value) -> None:
        self.kind, self.text, self.params = kind, text, params
        super().__init__(english(kind, params) if text is None else text)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its kind and values: an exception's default, its class and its message,
        rebuilt it with the English message for its kind."""
        return _rebuilt, (type(self), self.kind, self.text, self.params)

    def at(self, where: str) -> Problem:
        """This refusal as the problem of the file's key `where`."""
        return Problem(where, self.kind, str(self), **self.params)

    def said(self) -> str:
        """In the page's language (`said`): the English preview said "the merge fields cannot
        be read" where the editor's field gave the template engine's words."""
        return said(self.kind, self.params, text=self.text)


def _rebuilt(
    cls: type[ProblemError], kind: Kind, text: str | None, params: dict[str, Value]
) -> ProblemError:
    return cls(kind, text, **params)
