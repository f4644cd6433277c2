"""A campaign file's problems as values: a Problem (a str with its kind) and a merge field's
refusal copy, pickle and serialize like the text they are, and read the same on English pages
wherever they are shown (the live preview as the editor's fields)."""

from __future__ import annotations

import copy
import pickle
import re
from pathlib import Path

import pytest
from flask import Flask, flash, get_flashed_messages
from flask.testing import FlaskClient
from flask_babel import force_locale

from tests.dashboard.test_editor import WATER, admin, new_form
from webapp.campaigns.problems import Kind, Problem
from webapp.letters.merge import MergeFieldError, check_template

__all__ = ["admin"]  # the fixture, used by the tests below

PROBLEMS = [
    Problem("targets[1].name", Kind.TOO_LONG, length=201, limit=200),
    Problem("", Kind.BAD_YAML, "front matter is not valid YAML: mapping values here"),
    Problem("translations.ar.signatories", Kind.SIGNATORY_UNLISTED, name="'منظمة'"),
]


@pytest.mark.parametrize("problem", PROBLEMS, ids=["figures", "library-words", "arabic-value"])
def test_a_problem_survives_pickle_and_copies_whole(problem: Problem) -> None:
    """A str subclass is copied and pickled through its __new__ with the text alone: without
    its kind and values a Problem could not be copied (copy, deepcopy) or pickled at all."""
    for again in (
        pickle.loads(pickle.dumps(problem)),  # noqa: S301 (its own bytes, just made)
        copy.copy(problem),
        copy.deepcopy([problem])[0],
    ):
        assert type(again) is Problem and again == problem
        assert (again.where, again.kind, again.params, again.text) == (
            problem.where,
            problem.kind,
            problem.params,
            problem.text,
        )


@pytest.mark.parametrize("source", ["{{ supporter.nickname }}", "{{ }}", "{{ nickname }}"])
def test_a_merge_field_refusal_survives_pickle(app: Flask, source: str) -> None:
    """An exception is pickled as its class and its args (the English message): a
    MergeFieldError rebuilt so took that message for its kind, and could not be said."""
    with pytest.raises(MergeFieldError) as raised:
        check_template(source)
    again = pickle.loads(pickle.dumps(raised.value))  # noqa: S301 (its own bytes)
    assert (again.kind, again.params, str(again)) == (
        raised.value.kind,
        raised.value.params,
        str(raised.value),
    )
    with app.test_request_context("/"), force_locale("ar"):
        assert again.said() == raised.value.said()


def test_a_flashed_problem_is_kept_in_the_session_cookie_as_its_text(
    app: Flask, client: FlaskClient
) -> None:
    """Pins: the session cookie is JSON; a Problem flashed goes in it as its English text."""
    problem = PROBLEMS[0]

    @app.get("/test-flash-problem")
    def _flash() -> str:
        flash(problem, "error")
        return "ok"

    @app.get("/test-read-problem")
    def _read() -> str:
        return "|".join(get_flashed_messages())

    assert client.get("/test-flash-problem").status_code == 200
    assert client.get("/test-read-problem").text == str(problem)


@pytest.mark.parametrize(
    "body",
    [
        "Hello {{ }}",  # the engine's own words: "Expected an expression, got …"
        "Hello {{ supporter.first_name }} {% endif %}",  # "Encountered unknown tag 'endif'."
    ],
)
def test_the_english_preview_words_a_slip_as_the_editor_does(admin: FlaskClient, body: str) -> None:
    """On an English page a slip the template engine words itself is shown in its words, as
    before and as the editor's field shows it: the live preview said only "the merge fields
    cannot be read", and the same slip read differently above and below the form."""
    with pytest.raises(MergeFieldError) as raised:
        check_template(body)
    form = new_form(admin, **{**WATER, "body": body})
    page = admin.post(
        "/dashboard/campaigns/new/preview", data=form, headers={"X-Requested-With": "fetch"}
    )
    assert page.status_code == 200
    engine_words = str(raised.value).split(": ", 1)[1].replace("'", "&#39;")
    cannot_show = page.text.split("</ul>")[0]  # "The letter cannot be shown yet: …"
    fix_list = page.text.split("To fix before saving:")[1]
    assert engine_words in fix_list  # the editor's, on the field
    assert engine_words in cannot_show, cannot_show  # the preview's, above it


def test_the_command_line_lists_problems_in_english_without_isolate_marks(
    app: Flask, tmp_path: Path
) -> None:
    """Pins: `flask campaigns import` prints each problem as the check words it, in English and
    without bidi isolate marks (a terminal shows them as boxes), whatever the app's language
    and whatever script the file's values are in; the pages isolate them."""
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    bad = tmp_path / "bad.md"
    bad.write_text(
        "---\nslug: مياه\ntitle: مياه آمنة\ntopics: [مياه]\ngoal: 0\n"
        "targets:\n  - kind: custom\n    name: مكتب\n    email: لا-بريد\n"
        "translations:\n  ar:\n    body: نص\n    signatories: {منظمة: اسم}\n"
        "---\nHello {{ supporter.nickname }}\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["campaigns", "import", str(bad)])
    assert result.exit_code == 1
    assert "slug: use 2-80 lower-case letters, digits and hyphens" in result.output
    assert "topics: 'مياه' is not a Library of Congress policy area" in result.output
    assert "translations.ar.signatories: 'منظمة' is not a listed signatory" in result.output
    assert "body: line 1: unknown merge field supporter.nickname" in result.output
    assert not re.search("[\u2066-\u2069\u200e\u200f]", result.output), result.output
    assert "<bdi>" not in result.output
