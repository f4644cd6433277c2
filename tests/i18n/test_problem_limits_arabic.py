"""A campaign file's limits in the hundreds said in Arabic: after 100 and more the counted noun
is the genitive singular, "200 حرف", as the catalogue writes "300 حرف على الأكثر" (the
accusative "حرفًا" is the 11-99 form: test_plural_accusative.py)."""

from __future__ import annotations

import pytest
import yaml
from flask import Flask
from flask_babel import force_locale

from webapp.campaigns.fileformat import CampaignFileError, parse_campaign_file
from webapp.campaigns.problems import Kind

LONG = (Kind.PARTNER_SENTENCE_LONG, Kind.PARTNER_NAME_LONG, Kind.SIGNATORY_NAME_LONG)


def _long_names_file() -> str:
    front = {
        "slug": "safe-water",
        "title": "Safe water",
        "subject": "Safe water",
        "salutation": "Dear friend,",
        "consent_text": "Email me.",
        "targets": [{"kind": "custom", "name": "Office", "email": "office@example.org"}],
        "signatories": ["Parents for Water"],
        "partners": [{"code": "riverside", "name": "Riverside", "consent_text": "Email me."}],
        "translations": {
            "ar": {
                "body": "موّلوا الأنابيب.",
                "signatories": {"Parents for Water": "ا" * 201},
                "partners": {"riverside": {"name": "ن" * 201, "consent": "م" * 501}},
            }
        },
    }
    return "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nFund the pipes.\n"


def test_a_limit_in_the_hundreds_counts_characters_in_the_genitive(app: Flask) -> None:
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign_file(_long_names_file())
    long = [p for p in caught.value.problems if p.kind in LONG]
    assert sorted(p.kind.name for p in long) == sorted(k.name for k in LONG)
    with app.test_request_context("/"), force_locale("ar"):
        said = [p.said() for p in long]
    for sentence in said:
        limit = "\u2068" + ("500" if "موافقة" in sentence else "200") + "\u2069"
        assert f"{limit} حرف" in sentence and "حرفًا" not in sentence, sentence
