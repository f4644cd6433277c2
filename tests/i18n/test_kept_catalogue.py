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


def test_outside_a_request_strings_stay_in_the_default_language(app: Flask) -> None:
    with app.app_context():
        assert gettext(ENGLISH) == ENGLISH
    assert gettext(ENGLISH) == ENGLISH  # no context at all
