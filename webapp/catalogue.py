"""Flask-Babel with the request's message catalogue found once, not on every translated string."""

from __future__ import annotations

from functools import cached_property

from babel.support import NullTranslations
from flask import g, has_app_context
from flask_babel import Babel, Domain

# Flask-Babel looks the catalogue up anew for each string: through `g` three times for its
# context, once more for the locale, and a Locale turned into its name for the cache key. A
# preview page translates about fifty strings, and those lookups were an eighth of rendering it.
_KEPT = "civic_kept_catalogue"


class KeptCatalogueDomain(Domain):
    """The default domain, keeping the catalogue on the request's Flask-Babel state.

    The kept catalogue is used only while the locale it was found for is still the request's
    (the same object): `force_locale` and `refresh` replace or drop the locale, so emails in
    the supporter's language and a language changed mid-request get their own catalogue.
    """

    def get_translations(self) -> NullTranslations:
        state = getattr(g, "_flask_babel", None) if has_app_context() else None
        if state is not None:
            kept = state.__dict__.get(_KEPT)
            locale = state.__dict__.get("babel_locale")
            if kept is not None and locale is not None and kept[0] is locale and kept[1] is self:
                translations: NullTranslations = kept[2]
                return translations
        translations = super().get_translations()
        # Flask-Babel has now made its state and chosen the locale (outside a request it has
        # neither, and nothing is kept).
        state = getattr(g, "_flask_babel", None) if has_app_context() else None
        locale = None if state is None else state.__dict__.get("babel_locale")
        if locale is not None:
            setattr(state, _KEPT, (locale, self, translations))
        return translations


class KeptCatalogueBabel(Babel):
    """Flask-Babel whose default domain keeps the request's catalogue."""

    @cached_property
    def domain_instance(self) -> Domain:
        return KeptCatalogueDomain(domain=self.domain)
