"""US states named in the page's language on the form, in district names and in the ZIP check."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from tests.civic.data import load_civic_data, single_district_zip
from tests.supporter.helpers import post_letter
from webapp.civic.countries import country_choices, name_order
from webapp.civic.states import STATES
from webapp.supporter.state_names import STATE_LABELS, state_options

OPTION_RE = re.compile(r'<option value="([A-Z]*)"[^>]*>([^<]*)</option>')


def _state_options(html: str) -> list[tuple[str, str]]:
    select = html[html.index('name="state"') :]
    return OPTION_RE.findall(select[: select.index("</select>")])


def test_every_state_has_a_label_whose_english_is_the_rosters(app: Flask) -> None:
    with app.test_request_context("/"), force_locale("en"):
        assert {code: str(label) for code, label in STATE_LABELS.items()} == {
            s.code: s.name for s in STATES
        }


def test_the_english_list_is_as_it_was_and_the_arabic_one_is_in_arabic_order(
    app: Flask,
) -> None:
    with app.test_request_context("/"):
        english = state_options("en")
        arabic = state_options("ar")
    assert [(c.value, c.label) for c in english[1:]] == [(s.code, s.name) for s in STATES]
    assert arabic[0].value == "" and arabic[0].label == "اختر ولايتك"
    names = [c.label for c in arabic[1:]]
    # Arabic order: alif is one letter however it is written (آ أ إ), so Iowa (آيوا) comes
    # after Idaho (أيداهو), not first as by code point.
    assert names[:11] == [
        "أركنساس",
        "أريزونا",
        "ألاباما",
        "ألاسكا",
        "إلينوي",
        "إنديانا",
        "أوريغون",
        "أوكلاهوما",
        "أوهايو",
        "أيداهو",
        "آيوا",
    ]
    assert names.index("واشنطن العاصمة") < names.index("ولاية واشنطن")
    # Then the five territories, as the English has them.
    assert {c.value for c in arabic[-5:]} == {"AS", "GU", "MP", "PR", "VI"}
    assert {c.value for c in arabic[1:]} == {s.code for s in STATES}


def test_the_arabic_form_lists_states_in_arabic_and_sends_their_codes(
    client: FlaskClient, default_campaign: str
) -> None:
    options = dict(_state_options(client.get(f"/campaigns/{default_campaign}?lang=ar").text))
    assert options["MI"] == "ميشيغان" and options["WA"] == "ولاية واشنطن"
    assert options[""] == "اختر ولايتك"
    english = dict(_state_options(client.get(f"/campaigns/{default_campaign}?lang=en").text))
    assert english["MI"] == "Michigan"


def test_an_arabic_preview_and_zip_check_name_the_state_in_arabic(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    load_civic_data(app)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    zip_code = single_district_zip("MI", 12)
    page = post_letter(client, default_campaign, "preview", street=None, zip_code=zip_code)
    assert "<bdi>ميشيغان</bdi>، الدائرة\N{NO-BREAK SPACE}12" in page.text
    wrong = post_letter(client, default_campaign, "preview", zip_code="48126", state="CA")
    sentence = (
        "الرمز البريدي \u206848126\u2069 لا يقع في \u2068كاليفورنيا\u2069. "
        "تحقّق من الرمز البريدي أو من الولاية."
    )
    assert sentence in wrong.text


def test_country_names_are_in_alphabetical_order_whatever_their_accents() -> None:
    english = [name for _code, name in country_choices("en")]
    # By code point "Åland Islands" came after "Zimbabwe".
    assert english.index("Åland Islands") < english.index("Albania")
    arabic = [name for _code, name in country_choices("ar")][1:]  # the United States first
    assert [name_order(n) for n in arabic] == sorted(name_order(n) for n in arabic)
    assert arabic.index("إريتريا") < arabic.index("أستراليا")  # ر before س, hamza aside
