"""Flask-Babel with the request's message catalogue found once, not on every translated string."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from babel.support import NullTranslations
from flask import Flask, g, has_app_context
from flask_babel import Babel, Domain, get_translations

# Flask-Babel looks the catalogue up anew for each string: through `g` three times for its
# context, once more for the locale, and a Locale turned into its name for the cache key. A
# preview page translates about fifty strings, and those lookups were an eighth of rendering it.
_KEPT = "civic_kept_catalogue"


def _state() -> Any:
    """Flask-Babel's state for this app context (None outside one or before its first string)."""
    return getattr(g, "_flask_babel", None) if has_app_context() else None


def _kept(state: Any, domain: object) -> NullTranslations | None:
    """The kept catalogue, while it is `domain`'s for the locale still in use (the same object)."""
    attrs = state.__dict__
    kept = attrs.get(_KEPT)
    if kept is not None and kept[0] is attrs.get("babel_locale") and kept[1] is domain:
        translations: NullTranslations = kept[2]
        return translations
    return None


class KeptCatalogueDomain(Domain):
    """The default domain, keeping the catalogue on the request's Flask-Babel state.

    The kept catalogue is used only while the locale it was found for is still the request's
    (the same object): `force_locale` and `refresh` replace or drop the locale, so emails in
    the supporter's language and a language changed mid-request get their own catalogue.
    """

    def get_translations(self) -> NullTranslations:
        state = _state()
        if state is not None and (kept := _kept(state, self)) is not None:
            return kept
        translations: NullTranslations = super().get_translations()
        # Flask-Babel has now made its state and chosen the locale (outside a request it has
        # neither, and nothing is kept).
        state = _state()
        locale = None if state is None else state.__dict__.get("babel_locale")
        if locale is not None:
            setattr(state, _KEPT, (locale, self, translations))
        return translations


def request_translations() -> NullTranslations:
    """What Flask-Babel's `get_translations()` gives, without its walk to the domain when the
    domain in use (the state's) holds a kept catalogue for the locale in use."""
    state = _state()
    if state is not None:
        kept = _kept(state, state.__dict__.get("babel_domain"))
        if kept is not None:
            return kept
    translations: NullTranslations = get_translations()
    return translations


# The template callables Flask-Babel installs, each going through request_translations: a
# template's `_()` went through get_domain (`g` three more times) before the kept catalogue.
def _gettext(string: str) -> str:
    return request_translations().ugettext(string)


def _ngettext(singular: str, plural: str, num: int) -> str:
    return request_translations().ungettext(singular, plural, num)


def _pgettext(context: str, string: str) -> str:
    return request_translations().upgettext(context, string)


def _npgettext(context: str, singular: str, plural: str, num: int) -> str:
    return request_translations().unpgettext(context, singular, plural, num)


class KeptCatalogueBabel(Babel):
    """Flask-Babel whose default domain keeps the request's catalogue."""

    @cached_property
    def domain_instance(self) -> Domain:
        return KeptCatalogueDomain(domain=self.domain)

    def init_app(self, app: Flask, *args: Any, **kwargs: Any) -> None:
        super().init_app(app, *args, **kwargs)
        # Only where Flask-Babel set Jinja up (configure_jinja, given to the constructor).
        if self._configure_jinja:
            # Jinja's i18n extension, which Flask-Babel has added, adds this method.
            app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
                gettext=_gettext,
                ngettext=_ngettext,
                newstyle=True,
                pgettext=_pgettext,
                npgettext=_npgettext,
            )
