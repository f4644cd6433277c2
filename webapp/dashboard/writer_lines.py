"""A letter's writer as the dashboard's lines name them: name, city and state (or country)."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.civic.countries import country_name
from webapp.dashboard.blueprint import bp
from webapp.i18n import bdi, page_language
from webapp.models import Submission
from webapp.supporter.state_names import state_name
from webapp.supporter.text_lang import bdi_lang
from webapp.text_input import is_latin_text


def writer_name(letter: Submission, whole: bool = True) -> Markup:
    """The writer's name in Latin letters, as offices receive it, and then, when they wrote it
    in another script, as they wrote it, each isolated: an organiser moderating Arabic-speaking
    supporters saw only "Rasha Haddad" for رشا حداد. `whole` False gives first names only."""
    latin = letter.first_name if not whole else f"{letter.first_name} {letter.last_name}"
    if not (letter.native_first_name or letter.native_last_name):
        return bdi(latin)
    written = letter.own_first_name if not whole else letter.own_full_name
    # Marked with the language the supporter wrote in, where it is not the page's, so a
    # screen reader's English voice does not skip the Arabic letters.
    language = (letter.language or "").replace("_", "-").split("-")[0].lower() or None
    if language == page_language() or is_latin_text(written):
        language = None
    # TRANSLATORS: a supporter's name in Latin letters, then as they wrote it (in Arabic, say).
    return escape(_("%(latin)s (as written: %(written)s)")) % {
        "latin": bdi(latin),
        "written": bdi_lang(written, language),
    }


@bp.app_template_global()
def writer_line(letter: Submission, whole: bool = True, with_zip: bool = False) -> Markup:
    """A letter's writer by writer_name, their city and state (or country) in the page's
    language, for every line about a letter: the personal paragraphs' and the changeover's
    kept the Latin ", MI" on Arabic pages after the held letters' line was mended."""
    place = (
        state_name(letter.state) if letter.state else country_name(letter.country, page_language())
    )
    where = bdi(place)
    if with_zip and letter.zip_code:
        where = Markup("{} {}").format(where, bdi(letter.zip_code))
    return escape(_("%(name)s, %(city)s, %(place)s")) % {
        "name": writer_name(letter, whole),
        "city": bdi(letter.city),
        "place": where,
    }
