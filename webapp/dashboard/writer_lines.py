"""A letter's writer as the dashboard's lines name them: name, city and state (or country)."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.civic.countries import country_name
from webapp.dashboard.blueprint import bp
from webapp.i18n import bdi, page_language
from webapp.models import Submission
from webapp.supporter.state_names import state_name


@bp.app_template_global()
def writer_line(letter: Submission, name: str, with_zip: bool = False) -> Markup:
    """A letter's writer as `name` gives them, their city and state (or country) in the page's
    language, for every line about a letter: the personal paragraphs' and the changeover's
    kept the Latin ", MI" on Arabic pages after the held letters' line was mended."""
    place = (
        state_name(letter.state) if letter.state else country_name(letter.country, page_language())
    )
    where = bdi(place)
    if with_zip and letter.zip_code:
        where = Markup("{} {}").format(where, bdi(letter.zip_code))
    return escape(_("%(name)s, %(city)s, %(place)s")) % {
        "name": bdi(name),
        "city": bdi(letter.city),
        "place": where,
    }
