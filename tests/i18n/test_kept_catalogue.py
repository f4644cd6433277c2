"""The request's catalogue is found once, and still follows every change of language."""

from __future__ import annotations

import itertools

import pytest
from flask import Flask, request
from flask_babel import Domain, force_locale, get_locale, gettext, lazy_gettext, refresh
from werkzeug.datastructures import LanguageAccept

ARABIC = "راجع رسالتك"
ENGLISH = "Check your letter"


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
