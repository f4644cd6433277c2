"""The request's catalogue is found once, and still follows every change of language."""

from __future__ import annotations

import itertools
import re

import flask_babel
import pytest
from flask import Flask, g, request
from flask_babel import (
    Domain,
    force_locale,
    get_locale,
    gettext,
    lazy_gettext,
    ngettext,
    refresh,
)
from werkzeug.datastructures import LanguageAccept

from webapp.catalogue import KeptCatalogueBabel

ARABIC = "راجع رسالتك"
ENGLISH = "Check your letter"
SIGNED = ("Signed by %(num)s organisation", "Signed by %(num)s organisations")


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time Flask-Babel itself looks the catalogue up, the locale it was for."""
    found: list[str] = []
    looked_up = Domain.get_translations

    def counted(self: Domain) -> object:
        translations = looked_up(self)
        found.append(str(get_locale()))
        return translations

    monkeypatch.setattr(Domain, "get_translations", counted)
    return found


def test_a_page_of_strings_looks_the_catalogue_up_once(app: Flask, lookups: list[str]) -> None:
    with app.test_request_context("/?lang=ar", headers={"Accept-Language": "ar"}):
        assert {gettext(ENGLISH) for _ in range(50)} == {ARABIC}
        assert str(lazy_gettext(ENGLISH)) == ARABIC
        template = app.jinja_env.from_string("{% for _n in range(20) %}{{ _(s) }}{% endfor %}")
        assert template.render(s=ENGLISH) == ARABIC * 20
    assert lookups == ["ar"]


def test_forced_and_refreshed_languages_get_their_own_catalogue(
    app: Flask, lookups: list[str]
) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert gettext(ENGLISH) == ARABIC
        # An email in the supporter's language is written inside another language's request.
        with force_locale("en"):
            assert gettext(ENGLISH) == ENGLISH
            assert app.jinja_env.from_string("{{ _(s) }}").render(s=ENGLISH) == ENGLISH
        assert gettext(ENGLISH) == ARABIC
        with force_locale("ar"), force_locale("en"):
            assert gettext(ENGLISH) == ENGLISH
        assert gettext(ENGLISH) == ARABIC
        # A language chosen mid-request, then Flask-Babel's refresh.
        request.accept_languages = LanguageAccept([("en", 1)])
        refresh()
        assert gettext(ENGLISH) == ENGLISH
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert gettext(ENGLISH) == ARABIC  # nothing is kept from one request to the next
    # Looked up again at a change of language, and only then (entering force_locale("ar") in
    # an Arabic request may keep the same locale, so it need not look up).
    assert lookups[:3] == ["ar", "en", "ar"] and lookups[-2:] == ["en", "ar"], lookups
    assert all(before != after for before, after in itertools.pairwise(lookups)), lookups


def test_the_worker_writes_each_email_in_its_own_language(app: Flask) -> None:
    """The delivery worker: one app context, no request, one email after another, each forced
    into its supporter's language, and the default between them."""
    with app.app_context():
        assert gettext(ENGLISH) == ENGLISH
        for language in ("ar", "en", "ar", "ar", "en"):
            expected = ARABIC if language == "ar" else ENGLISH
            with force_locale(language):
                assert gettext(ENGLISH) == expected
                assert app.jinja_env.from_string("{{ _(s) }}").render(s=ENGLISH) == expected
            assert gettext(ENGLISH) == ENGLISH
    with app.app_context(), force_locale("ar"):  # forced before any locale was chosen
        assert gettext(ENGLISH) == ARABIC


def test_a_failure_inside_a_forced_language_gives_the_language_back(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert gettext(ENGLISH) == ENGLISH
        with pytest.raises(RuntimeError), force_locale("ar"):
            assert gettext(ENGLISH) == ARABIC
            raise RuntimeError
        assert gettext(ENGLISH) == ENGLISH
        with force_locale("ar"):
            with pytest.raises(RuntimeError), force_locale("en"):
                assert gettext(ENGLISH) == ENGLISH
                raise RuntimeError
            assert gettext(ENGLISH) == ARABIC
        assert gettext(ENGLISH) == ENGLISH


def test_outside_any_context_strings_stay_in_the_default_language() -> None:
    assert gettext(ENGLISH) == ENGLISH


@pytest.fixture
def domain_walks(monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Each walk through Flask-Babel's get_domain (`g` three times) to reach the catalogue."""
    walks: list[None] = []
    walk = flask_babel.get_domain

    def counted() -> Domain:
        walks.append(None)
        return walk()

    monkeypatch.setattr(flask_babel, "get_domain", counted)
    return walks


def test_template_strings_reach_the_kept_catalogue_directly(
    app: Flask, domain_walks: list[None]
) -> None:
    page = app.jinja_env.from_string(
        "{% for n in numbers %}{{ _(s) }}|{{ ngettext(one, many, n) }}|{% endfor %}"
    )
    numbers = (0, 1, 2, 3, 11, 100)  # one for each of Arabic's six plural forms
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert gettext(ENGLISH) == ARABIC  # the catalogue is found, and kept
        walked = len(domain_walks)
        shown = page.render(s=ENGLISH, one=SIGNED[0], many=SIGNED[1], numbers=numbers)
        assert len(domain_walks) == walked  # before: one walk per string, 12 here
        # The same strings as Flask-Babel's own functions give, in six different forms.
        expected = [text for n in numbers for text in (ARABIC, ngettext(*SIGNED, n))]
        assert shown.split("|")[:-1] == expected
        assert len({re.sub(r"\d+", "N", text) for text in expected[1::2]}) == 6


def test_template_strings_follow_a_domain_other_than_the_kept_one(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert app.jinja_env.from_string("{{ _(s) }}").render(s=ENGLISH) == ARABIC
        # Another domain (one with no catalogue) put where get_domain reads the request's.
        g._flask_babel.babel_domain = Domain(domain="no-such-catalogue")
        assert app.jinja_env.from_string("{{ _(s) }}").render(s=ENGLISH) == ENGLISH


def test_an_app_that_sets_jinja_up_itself_keeps_its_own_template_strings() -> None:
    app = Flask(__name__)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s: "own", lambda s, p, n: "own", newstyle=True
    )
    KeptCatalogueBabel(configure_jinja=False).init_app(app)
    with app.app_context():
        assert app.jinja_env.from_string("{{ _('Hello') }}").render() == "own"
