"""A campaign file's problems as values: a Problem (a str with its kind) and a merge field's
refusal copy, pickle and serialize like the text they are, and read the same on English pages
wherever they are shown (the live preview as the editor's fields)."""

from __future__ import annotations

import copy
import pickle

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
