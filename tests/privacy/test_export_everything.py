"""`flask supporters export` gives everything held about the person, hashes and provenance too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.supporter.helpers import VALID_LETTER, post_letter
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.letters.sketch import BANDS
from webapp.models import ParagraphBand, Submission, Supporter


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url, "SMTP_TIMEOUT_SECONDS": 5.0}


def test_export_lists_hashes_risk_partner_source_language_provenance_deliveries_and_emails(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = write_delivery_campaign(
        app,
        tmp_path,
        "water",
        [office("Water Board", email=OFFICE_EMAIL)],
        consent_text="Keep me posted",
        partners=[{"code": "alpha", "name": "Alpha Aid", "consent_text": "Alpha may write"}],
    )
    response = post_letter(
        client,
        slug,
        partner="alpha",
        source="newsletter",
        consent_updates="y",
        partner_consent="y",
    )
    assert response.status_code == 303, response.text
    assert Worker(app).run_batch().sent == 2
    with app.app_context():
        held = db.session.scalars(select(Submission)).one()
        supporter = db.session.scalars(select(Supporter)).one()
        expected_hashes = {
            "ip": held.ip_hash,
            "ip_network": held.subnet_hash,
            "personal_text": held.personal_hash,
            # The paragraph's keyed similarity sketch (the own-words hint compares these).
            "personal_text_similarity_bands": sorted(
                db.session.scalars(
                    select(ParagraphBand.band).where(ParagraphBand.submission_id == held.id)
                )
            ),
        }
        own_words = (held.prompt_variant, held.own_words_chars)
        expected = (held.risk_score, held.risk_reasons, held.lookup_provider, supporter.email_key)

    result = app.test_cli_runner().invoke(args=["supporters", "export", VALID_LETTER["email"]])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    person = data["supporter"]
    assert (person["email"].casefold(), person["street"], person["zip"]) == (
        VALID_LETTER["email"].casefold(),
        VALID_LETTER["street"],
        VALID_LETTER["zip_code"],
    )
    assert person["email_hash"] == expected[3] and person["language"] == "en"
    (letter,) = data["letters"]
    assert all(expected_hashes.values())  # the letter really holds three hashes
    assert letter["hashes"] == expected_hashes
    assert len(expected_hashes["personal_text_similarity_bands"]) == BANDS
    assert (letter["story_prompts_shown"], letter["own_words_characters"]) == own_words
    assert own_words[1] == len(VALID_LETTER["personal_message"].strip())
    assert (letter["risk"]["score"], letter["risk"]["reasons"]) == expected[:2]
    assert letter["partner"] == {"code": "alpha", "name": "Alpha Aid"}
    assert (letter["source"], letter["language"]) == ("newsletter", "en")
    assert letter["lookup"]["provider"] == expected[2]
    assert set(letter["lookup"]) == {"provider", "match", "districts", "dataset_date", "congress"}
    assert letter["personal_message"] == VALID_LETTER["personal_message"]
    assert letter["subject"] == "Safe water in Dearborn"
    (delivery,) = letter["deliveries"]
    assert (delivery["to"], delivery["channel"], delivery["status"]) == (
        "Water Board",
        "email",
        "sent",
    )
    assert VALID_LETTER["personal_message"] in delivery["letter"]
    assert [(e["kind"], e["status"]) for e in letter["emails_sent_to_you"]] == [("receipt", "sent")]
    assert sorted(c["wording"] for c in data["consents"]) == ["Alpha may write", "Keep me posted"]
