"""The name the embedding page gives each widget frame, in the frame's own language."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.i18n import page_language
from webapp.models import Campaign
from webapp.supporter.campaign_text import shown_title
from webapp.supporter.form_build import find_partner

# What the frame holds: a page with several frames (two partners, a counter) reads them apart.
# The pages that hold no form are named for what they say, not "Letter form: …", which a
# screen reader announced for each of them: "blocked", the refusal a site not allowed to show
# the campaign gets; "closed", a campaign that takes no more letters; "expired", a letter not
# recorded because its form came from another site; "wait", a letter kept to send again once
# the rate limit or a busy database lets it.
_KINDS = {
    "letter": _l("Letter form"),
    "signup": _l("Sign-up form"),
    "counter": _l("Letter count"),
    "blocked": _l("Letter not shown on this site"),
    "closed": _l("Letters closed"),
    "expired": _l("Letter not recorded"),
    "wait": _l("Letter to send again shortly"),
}


def frame_title(campaign: Campaign, mode: str) -> str:
    """E.g. "Letter form: Safe water for every school (Riverside Parents)"; embed.js sets it as
    the frame's title once the frame reports in (the page cannot read it across origins)."""
    kind = _KINDS.get(mode, _KINDS["letter"])
    partner = find_partner(campaign, request.values.get("partner"))
    if partner is None:
        return str(_("%(kind)s: %(campaign)s", kind=kind, campaign=shown_title(campaign)))
    return str(
        _(
            "%(kind)s: %(campaign)s (%(partner)s)",
            kind=kind,
            campaign=shown_title(campaign),
            partner=campaign.partner_name(partner, page_language()),
        )
    )
