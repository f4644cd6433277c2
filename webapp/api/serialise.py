"""The documented JSON shapes of API answers (see docs/api.md)."""

from __future__ import annotations

from typing import Any

from babel.lists import format_list
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _

from webapp.civic.types import LookupResult, Representative
from webapp.civic.zip_fallback import (
    NOTE_DISTRICTS_UPDATING,
    NOTE_SPLIT_ZIP,
    NOTE_UNKNOWN_ZIP,
    NOTE_UPDATING_NEEDS_STREET,
)
from webapp.i18n import isolate_in_text, number
from webapp.models import Campaign
from webapp.services.recipients import RecipientPlan
from webapp.supporter.office_names import live_label, name_office_between, recipient_office


def member_json(rep: Representative, optional: bool | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": rep.key,
        "name": rep.name,
        "chamber": rep.chamber,
        "title": rep.title,
        "state": rep.state,
        "district": rep.district,
        "party": rep.party,
        "non_voting": rep.non_voting,
        "bioguide": rep.bioguide,
        "url": rep.url,
        "contact_url": rep.contact_url,
        "phone": rep.phone,
    }
    if optional is not None:
        data["optional"] = optional
    return data


def lookup_json(
    result: LookupResult, optional_chambers: dict[str, bool] | None = None
) -> dict[str, Any]:
    """A lookup as JSON; `optional_chambers` marks members a campaign lets supporters untick."""
    chambers = optional_chambers or {}
    provenance = result.provenance
    return {
        "match": provenance.match.value if provenance else "none",
        "location": result.location.to_json() if result.location else None,
        "members": [
            member_json(r, chambers.get(r.chamber) if chambers else None)
            for r in result.representatives
        ],
        "ambiguous": bool(result.candidates),
        "needs_street": result.needs_street,
        "candidates": [
            {
                "state": c.state,
                "district": c.district,
                "members": [member_json(r) for r in c.representatives],
            }
            for c in result.candidates
        ],
        "vacancies": [v.to_json() for v in result.vacancies],
        "notes": list(result.notes),
        "with_street": with_street(result),
        "provenance": None
        if provenance is None
        else {
            "provider": provenance.provider,
            "match": provenance.match.value,
            "districts": provenance.districts,
            "dataset_date": provenance.dataset_date,
            "congress": provenance.congress,
        },
    }


def with_street(result: LookupResult) -> dict[str, str]:
    """The notes that ask for a street address, each with what to say instead once the form
    has one (the form checks it when previewing): asked without one, the lookup cannot know."""
    answers = {
        str(NOTE_SPLIT_ZIP): _(
            "We will find your district from your street address when you preview your letter."
        ),
        str(NOTE_UNKNOWN_ZIP): _(
            "We will find your district from your street address when you preview your letter."
        ),
        str(NOTE_UPDATING_NEEDS_STREET): str(NOTE_DISTRICTS_UPDATING),
    }
    return {note: answers[note] for note in result.notes if note in answers}


def zip_hint(zip_code: str, result: LookupResult | None, street: bool = False) -> str | None:
    """One sentence for beside the ZIP field when the ZIP spans districts, else None; `street`:
    the form has a street address, which will settle the district."""
    if result is None or not result.candidates or not zip_code:
        return None
    # The ZIP as typed and the district numbers each isolated (marks on a right-to-left page
    # only): the sentence is plain text, set as the hint's textContent.
    districts = [isolate_in_text(choice.district) for choice in result.candidates]
    named = {
        "zip": isolate_in_text(zip_code),
        "districts": format_list(districts, locale=get_locale() or "en"),
    }
    if street:
        return str(
            _(
                "ZIP %(zip)s is split between districts %(districts)s; we will find yours "
                "from your street address.",
                **named,
            )
        )
    return str(
        _("ZIP %(zip)s is split between districts %(districts)s; add your street address.", **named)
    )


def plan_json(plan: RecipientPlan, campaign: Campaign) -> dict[str, Any]:
    """Fixed targets and found officials for one campaign, as the letter form shows them:
    `shown` names each in the asked language (`lang`), `between` joins a name and its office;
    `summary` is the one short sentence a screen reader is told as the list changes, and
    `summaries[n]` the same for n offices: the form counts only those still ticked."""
    count = len(plan.recipients)
    # The count isolated as the page's own counts are (counted(), in plain text here).
    summaries = [
        get_translations().ngettext(
            "Your letter will go to %(num)s office.",
            "Your letter will go to %(num)s offices.",
            n,
        )
        % {"num": isolate_in_text(number(n))}
        for n in range(count + 1)
    ]
    return {
        "summary": summaries[count],
        "summaries": summaries,
        "recipients": [
            {
                "key": r.key,
                "name": r.name,
                "office": r.office,
                "title": r.title,
                "party": r.party,
                "state": r.state,
                "district": r.district,
                "non_voting": r.non_voting,
                "optional": r.optional,
                "shown": live_label(recipient_office(campaign, r), r.party, r.non_voting),
            }
            for r in plan.recipients
        ],
        "between": name_office_between(),
    }
