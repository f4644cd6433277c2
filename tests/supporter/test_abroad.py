"""Supporters abroad write to offices open to everyone; citizens abroad by their voting address."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import house_member, load_civic_data, senators, single_district_zip
from tests.civic.geocoder import census, census_app_config
from tests.supporter.helpers import post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget
from webapp.civic.types import Residence
from webapp.database import db
from webapp.models import Delivery, Submission, Target, TargetKind
from webapp.sealing import open_all

PRESIDENT = "The President of the United States"
BERLIN: dict[str, Any] = {
    "country": "DE",
    "abroad_city": "Berlin",
    "street": None,
    "city": None,
    "state": None,
    "zip_code": None,
}

# Fixtures: the geocoder stub, and the app pointed at it.
__all__ = ["census", "census_app_config"]


@pytest.fixture
def loaded(app: Flask, default_campaign: str) -> str:
    load_civic_data(app)
    return default_campaign


def recorded(app: Flask) -> tuple[Submission, list[Delivery]]:
    with app.app_context():
        (submission,) = db.session.scalars(select(Submission)).all()
        deliveries = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        open_all([submission, *deliveries])  # sealed fields open only inside the app
        db.session.expunge_all()
        return submission, deliveries


def offices_in(html: str) -> list[str]:
    return re.findall(r'<p class="office-name"><strong><bdi>([^<]+)</bdi>', html) + re.findall(
        r'name="recipients" value="[^"]+" id="recipient-\d+" checked[^>]*>\s*'
        r"<label[^>]*><strong><bdi>([^<]+)</bdi>",
        html,
    )


def test_a_supporter_in_berlin_writes_to_the_president_only_signed_from_berlin(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    preview = post_letter(client, loaded, "preview", **BERLIN)
    assert preview.status_code == 200, preview.text
    assert offices_in(preview.text) == [PRESIDENT]
    assert "Rasha Haddad<br>Berlin, Germany</p>" in preview.text
    assert (
        "Send my letter to <bdi>1</bdi> office" not in preview.text
    )  # the White House is a web form
    assert "Record my letter, then send it to <bdi>1</bdi> office myself" in preview.text

    sent = post_letter(client, loaded, **BERLIN)
    assert sent.status_code == 303
    submission, deliveries = recorded(app)
    assert (submission.country, submission.residence) == ("DE", Residence.ABROAD)
    assert (submission.city, submission.state, submission.zip_code) == ("Berlin", None, None)
    assert submission.signature_lines == ["Rasha Haddad", "Berlin, Germany"]
    assert [d.recipient_name for d in deliveries] == [PRESIDENT]
    assert not [d for d in deliveries if d.recipient_key.startswith("official:")]
    receipt = client.get(sent.headers["Location"])
    assert "Ask someone in the US to write too" in receipt.text
    assert "You wrote from <bdi>Germany</bdi>" in receipt.text


def test_a_us_address_typed_by_someone_abroad_is_never_used_to_claim_constituency(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    """Without JavaScript both address groups show; only the ticked box makes a constituent."""
    typed = {**BERLIN, "city": "New York", "state": "NY", "zip_code": "10119"}
    preview = post_letter(client, loaded, "preview", **typed)
    assert offices_in(preview.text) == [PRESIDENT]
    assert "NY 10119" not in preview.text.split("Who receives your letter")[1]
    assert post_letter(client, loaded, **typed).status_code == 303
    submission, deliveries = recorded(app)
    assert (submission.state, submission.zip_code, submission.street) == (None, None, None)
    assert [d.recipient_name for d in deliveries] == [PRESIDENT]


def test_a_us_citizen_abroad_writes_to_the_members_for_their_voting_address(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    voting = {
        **BERLIN,
        "us_voter": "y",
        "street": None,
        "city": "Burlington",
        "state": "VT",
        "zip_code": single_district_zip("VT", 0),
    }
    preview = post_letter(client, loaded, "preview", **voting)
    assert preview.status_code == 200, preview.text
    assert "Matched from the US address where you vote." in preview.text
    assert post_letter(client, loaded, **voting).status_code == 303
    submission, deliveries = recorded(app)
    assert submission.residence is Residence.VOTING_ADDRESS
    assert (submission.city, submission.country, submission.voting_city) == (
        "Berlin",
        "DE",
        "Burlington",
    )
    expected = {f"official:{b}" for b in (*senators("VT"), house_member("VT", 0))}
    assert {d.recipient_key for d in deliveries if d.recipient_chamber} == expected
    assert submission.signature_lines[1:] == [
        "Berlin, Germany",
        f"US voting address: Burlington, VT {voting['zip_code']}",
    ]


def test_a_citizen_abroad_is_a_constituent_of_the_city_where_they_vote_in_each_letter(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    """{{ supporter.city }} beside {{ supporter.state }} and {{ supporter.zip }} is the place
    where they vote: the senators' letters said "your constituent in Berlin" (u1's walk, a
    supporter in Gaziantep voting in Dearborn, /work/notes/s65/u1/h-voter-abroad-ar-360-4-*)."""
    voting = {
        **BERLIN,
        "us_voter": "y",
        "city": "Burlington",
        "state": "VT",
        "zip_code": single_district_zip("VT", 0),
    }
    assert post_letter(client, loaded, **voting).status_code == 303
    with app.app_context():
        deliveries = list(
            db.session.scalars(select(Delivery).where(Delivery.recipient_chamber.is_not(None)))
        )
        submission = db.session.scalars(select(Submission)).one()
        open_all([submission, *deliveries])
        letters = [d.final_text for d in deliveries]
    assert len(letters) == 3
    for text in letters:
        assert "as your constituent in Burlington." in text
        assert "constituent in Berlin" not in text
        # Where they live is still said, under their name.
        assert "Berlin, Germany\nUS voting address: Burlington, VT" in text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"abroad_city": ""}, "abroad_city", "Enter the city or town where you live."),
        ({"country": "XX"}, "country", "Choose your country from the list."),
        ({"us_voter": "y"}, "zip_code", "Enter your ZIP code."),
        # The letter is signed with the city, in English: another script is refused, kept.
        (
            {"abroad_city": "برلين"},
            "abroad_city",
            "Write your city in Latin letters (A to Z, accents allowed), e.g. "
            '<bdi lang="en">Berlin</bdi>: the letter to offices is in English and signed with it.',
        ),
    ],
)
def test_missing_or_wrong_details_abroad_are_named_on_their_field(
    app: Flask,
    client: FlaskClient,
    loaded: str,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    page = post_letter(client, loaded, "preview", **{**BERLIN, **overrides})
    assert page.status_code == 422
    assert f'<p class="error" id="{field}-error">{message}</p>' in page.text
    assert 'value="Rasha"' in page.text


@pytest.mark.parametrize("city", ["Kāneʻohe", "Saint-Étienne", "'s-Hertogenbosch", "Ｂｅｒｌｉｎ"])
def test_latin_spellings_of_every_kind_are_accepted_as_cities(
    client: FlaskClient, loaded: str, city: str
) -> None:
    """Hawaii's ʻokina, accents, apostrophes and full-width letters are Latin spellings."""
    page = post_letter(client, loaded, "preview", city=city)
    assert 'id="city-error"' not in page.text  # (the ZIP spans districts: the street is asked)
    assert 'id="city-error"' in post_letter(client, loaded, "preview", city="ديربورن").text


def test_a_city_in_latin_letters_with_accents_signs_the_letter_as_typed(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    preview = post_letter(
        client, loaded, "preview", **{**BERLIN, "country": "CH", "abroad_city": "Zürich"}
    )
    assert preview.status_code == 200, preview.text
    assert "Rasha Haddad<br>Zürich, Switzerland</p>" in preview.text


def test_on_an_arabic_page_the_city_is_asked_in_latin_letters_and_an_arabic_one_kept(
    client: FlaskClient, loaded: str
) -> None:
    page = client.get(f"/campaigns/{loaded}?lang=ar").text
    # The examples isolated and marked English, so an Arabic voice reads them as English words.
    berlin = (
        '<p class="hint" id="abroad_city-hint">بالأحرف اللاتينية، مثل <bdi lang="en">Berlin</bdi>،'
    )
    assert berlin in page
    assert (
        '<p class="hint" id="city-hint">بالأحرف اللاتينية، مثل <bdi lang="en">Dearborn</bdi>.</p>'
        in page
    )
    assert 'id="city-hint"' not in client.get(f"/campaigns/{loaded}?lang=en").text
    us = post_letter(client, f"{loaded}?lang=ar", "preview", city="ديربورن")
    assert us.status_code == 422
    assert (
        '<p class="error" id="city-error">'
        "اكتب اسم مدينتك بالأحرف اللاتينية (من A إلى Z، مع السماح بعلامات مثل é)، مثل "
        '<bdi lang="en">Dearborn</bdi>:' in us.text
    )
    assert 'value="ديربورن"' in us.text


def test_a_campaign_only_for_constituents_says_so_to_someone_abroad(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    with app.app_context():
        for target in db.session.scalars(select(Target).where(Target.kind == TargetKind.CUSTOM)):
            db.session.delete(target)
        db.session.commit()
    page = post_letter(client, loaded, **BERLIN)
    assert page.status_code == 422
    assert "cannot take a letter from outside the United States" in page.text
    with app.app_context():
        assert db.session.scalars(select(Submission)).all() == []


def test_an_unticked_office_stays_unticked_through_change_something(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    zip_code = single_district_zip("MI", 12)
    letter = {"street": None, "city": "Southfield", "zip_code": zip_code}
    dropped = f"official:{senators('MI')[0]}"
    kept = [f"official:{b}" for b in (senators("MI")[1], house_member("MI", 12))]
    first = post_letter(client, loaded, "preview", **letter)
    assert "Send my letter" in first.text or "Record my letter" in first.text

    choice = {**letter, "recipients_chosen": "1", "recipients": kept}
    edit = post_letter(client, loaded, "edit", **choice)
    assert edit.status_code == 200
    hidden = re.findall(r'name="recipients" value="([^"]+)" data-kept-choice', edit.text)
    assert sorted(hidden) == sorted(kept)

    again = post_letter(client, loaded, "preview", **choice)
    listed = re.findall(r'name="recipients" value="([^"]+)" id="recipient-\d+" checked', again.text)
    assert sorted(listed) == sorted(kept) and dropped not in listed
    assert "Your letter goes to these <bdi>3</bdi> offices." in again.text
    assert f'value="{dropped}" id="unticked-1">' in again.text

    assert post_letter(client, loaded, **choice).status_code == 303
    _, deliveries = recorded(app)
    assert dropped not in {d.recipient_key for d in deliveries}
    assert len(deliveries) == 3


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "You are writing from <bdi>Germany</bdi>, so your letter goes to the offices that "
            "read letters from everyone.",
        ),
        (
            "ar",
            "أنت تكتب من <bdi>ألمانيا</bdi>، لذلك تذهب رسالتك إلى المكاتب التي تقرأ رسائل الجميع.",
        ),
    ],
)
def test_the_preview_says_why_a_letter_from_abroad_goes_to_the_president_only(
    app: Flask, client: FlaskClient, loaded: str, lang: str, said: str
) -> None:
    """The receipt said why a letter from Berlin reached no member of Congress, but the preview
    listed the President alone with no word on why: a supporter checking the letter before
    Send was left to wonder where their representatives had gone (s11's walk)."""
    preview = post_letter(client, f"{loaded}?lang={lang}", "preview", **BERLIN)
    assert preview.status_code == 200, preview.text
    assert said in preview.text

    widget = open_widget(client, loaded, lang=lang)
    framed = post_widget(
        client, loaded, letter_data(form_token(widget.text), "preview", lang=lang, **BERLIN)
    )
    assert framed.status_code == 200, framed.text
    assert said in framed.text


def test_the_preview_from_the_us_or_a_voting_address_says_nothing_of_abroad(
    client: FlaskClient, loaded: str
) -> None:
    at_home = post_letter(client, loaded, "preview", zip_code=single_district_zip("MI", 12))
    assert at_home.status_code == 200, at_home.text
    assert "You are writing from" not in at_home.text
    voter = {**BERLIN, "us_voter": "y", "city": "Burlington", "state": "VT"}
    voting = post_letter(
        client, loaded, "preview", **{**voter, "zip_code": single_district_zip("VT", 0)}
    )
    assert voting.status_code == 200, voting.text
    assert "You are writing from" not in voting.text
