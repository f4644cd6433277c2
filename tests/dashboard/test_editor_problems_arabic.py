"""The campaign file check's problems in the page's language: every kind in Arabic, and the
Arabic editor and import page showing them so. The check words them in English for the command
line; the editor showed that English on Arabic pages (only "is required" was translated)."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from tests.conftest import csrf_token
from tests.dashboard.test_editor import NEW, WATER, admin, new_form
from webapp.campaigns.problems import Kind, Problem
from webapp.letters.merge import MergeFieldError, check_template

__all__ = ["admin"]  # the fixture, used by the tests below

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
ISOLATED = re.compile("\u2068[^\u2069]*\u2069")
# Latin words an Arabic message may keep: the file format's own words (keys, values, merge
# fields, examples) that an organiser types as they are, and the labels' UTC and slug. Any other
# Latin word is English prose.
FILE_WORDS = frozenset(
    {
        *("YAML", "ISO", "T", "Z", "UTC", "slug", "true", "false", "draft", "live", "closed"),
        *("custom", "lookup", "constituents", "everyone", "per_letter", "batched"),
        *("consent_text", "consent", "name", "ar", "fr", "en", "http", "https", "example"),
        *("org", "docs", "campaign", "files", "md", "supporter", "first_name", "city"),
        *("group", "field"),
    }
)


def _english_words(text: str) -> list[str]:
    """The Latin words of `text` outside its isolated values, but for the file's own words."""
    bare = ISOLATED.sub("", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z_]*", bare) if w not in FILE_WORDS]


@pytest.mark.parametrize("kind", list(Kind), ids=[k.name for k in Kind])
def test_each_kind_of_problem_reads_in_arabic(app: Flask, kind: Kind) -> None:
    params: dict[str, str | int] = {
        name: 12 if name in ("length", "limit", "line") else "'Sample Value'"
        for name in PLACEHOLDER.findall(kind.value)
    }
    problem = Problem("targets[1].email", kind, **params)
    assert str(problem) == f"targets[1].email: {kind.value % params}"  # the command line's
    with app.test_request_context("/"), force_locale("ar"):
        said = problem.said()
    assert re.search("[\u0600-\u06ff]", said), said
    assert _english_words(said) == [], said
    for value in params.values():  # every value kept, isolated in the right-to-left sentence
        assert f"\u2068{value}\u2069" in said, said


@pytest.mark.parametrize(
    "source",
    [
        "Hi {{ supporter.nickname }}",
        "{% for x in y %}{% endfor %}",
        "{{ supporter.city | replace('a', 'b') }}",
        "{{ supporter.first_name",
        "{{ nickname }}",
        "{{ a.b.c }}",
    ],
)
def test_a_merge_field_problem_reads_in_arabic(app: Flask, source: str) -> None:
    with pytest.raises(MergeFieldError) as raised:
        check_template(source)
    with app.test_request_context("/"), force_locale("ar"):
        said = raised.value.said()
    assert re.search("[\u0600-\u06ff]", said) and _english_words(said) == [], said


def _errors(html: str) -> list[str]:
    """Every message the editor shows: on its fields, and in the summary above the form."""
    shown = re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    shown += re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", s)).strip() for s in shown]


def test_the_arabic_editor_shows_the_file_checks_problems_in_arabic(
    app: Flask, admin: FlaskClient
) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    typed = {
        **WATER,
        "slug": "Bad Slug!",
        "subject": "Hello {{ supporter.nickname }}",
        "body_editable": "editable",
        "body": "Dear friend {{ supporter.first_name }}, please act.",
        "allowed_origins": "ftp://partner.example.org",
        "targets-0-email": "not-an-email",
        "signatories": "Parents for Water\nTown Chapter | Nobody Listed",
        "goal": "99999999999",
        "starts_at": "2027-03-01T10:00",
        "ends_at": "2027-02-01T10:00",
        "prompts": "[Bad Name]\nWhy?",
    }
    page = admin.post(NEW, data=new_form(admin, **typed))
    assert page.status_code == 422
    shown = _errors(page.text)
    assert len(shown) >= 10, shown
    # A field's label in the page's language ("Opens at"'s Arabic), not the file's key.
    assert any("بعد" in s and "موعد الفتح" in s for s in shown), shown
    # "Office 1، Email address": a row's field named with the page's comma.
    assert [s for s in shown if re.search("[\u0600-\u06ff], ", s)] == []
    english = {s: words for s in shown if (words := _english_words(s))}
    # The prompts box names the file's key it is about ("prompts.Bad Name"), isolated.
    assert english == {}


def test_the_arabic_import_page_lists_the_files_problems_in_arabic(
    app: Flask, admin: FlaskClient
) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    bad = (
        "---\nslug: Not A Slug\nsubject: 'Hi {{ supporter.nickname }}'\n"
        "salutation: Dear friend,\ntargets:\n  - kind: custom\n    email: nobody\n"
        "allowed_origins: [ftp://x.org]\n---\nThe letter.\n"
    )
    page = admin.get("/dashboard/campaigns/import")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(bad.encode()), "b.md"),
    }
    result = admin.post("/dashboard/campaigns/import", data=upload)
    assert result.status_code == 422
    items = re.findall(r"<li>(.*?)</li>", result.text.split('class="file-problems"')[1])
    assert len(items) == 6
    for item in map(unescape, items):
        key, _sep, said = item.partition(": ")
        assert key.startswith("\u2068") and key.endswith("\u2069"), item  # the file's key
        assert re.search("[\u0600-\u06ff]", said) and _english_words(said) == [], item
