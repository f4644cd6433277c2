"""The widget through the test client: prefill, partner credit and consent, sign-up, counter."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.dashboard.helpers import partner_ids
from tests.dashboard.letters import Letter, add_letters
from tests.supporter.campaign_files import NOTHING_RECORDED, record_counts
from tests.widget.helpers import (
    CAMPAIGN_CONSENT,
    GOAL,
    PARTNERS,
    form_token,
    letter_data,
    open_widget,
    post_widget,
    recorded,
    send_letter,
    widget_campaign,
)
from webapp.models import Campaign, Partner
from webapp.supporter.form_build import find_partner


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def _value(page: str, name: str) -> str | None:
    """The value attribute of the input called `name`, or None when there is no such input."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def _checked(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    return tag is not None and re.search(r"\schecked[\s>=]", tag.group(0)) is not None


def test_embed_script_is_served_as_javascript_readable_from_any_origin(
    client: FlaskClient,
) -> None:
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "civic-letters:sent" in response.text


def test_query_prefills_zip_email_first_name_source_and_partner(
    client: FlaskClient, slug: str
) -> None:
    page = open_widget(
        client,
        slug,
        zip="48126",
        email="a@example.org",
        first_name="Lina",
        source="newsletter-june",
        partner="riverside",
        parent="http://partner.example",
    ).text
    assert _value(page, "zip_code") == "48126"
    assert _value(page, "email") == "a@example.org"
    assert _value(page, "first_name") == "Lina"
    assert _value(page, "source") == "newsletter-june"
    assert _value(page, "partner") == "riverside"
    assert 'data-parent-origin="http://partner.example"' in page
    assert html.escape(PARTNERS["riverside"][1], quote=False) in page
    assert _value(page, "partner_consent") is not None


def test_letter_form_of_an_editable_campaign_starts_with_the_organisers_letter(
    client: FlaskClient, slug: str
) -> None:
    page = open_widget(client, slug, partner="riverside").text
    box = re.search(r'<textarea[^>]*name="body"[^>]*>([^<]*)</textarea>', page)
    assert box is not None, "no letter box"
    assert (
        html.unescape(box.group(1)).strip().startswith("Our children need safe water at school.")
    ), f"the letter box is empty: {box.group(0)}"


def test_letter_sent_with_the_partner_box_ticked_credits_the_partner_and_its_wording(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    token = form_token(open_widget(client, slug, partner="riverside").text)
    data = letter_data(
        token, partner="riverside", source="june", partner_consent="y", consent_updates="y"
    )
    preview = post_widget(client, slug, {**data, "action": "preview"})
    assert preview.status_code == 200 and "Check your letter" in preview.text
    assert record_counts(app) == NOTHING_RECORDED, "a preview records nothing"

    done = post_widget(client, slug, {**data, "form_token": form_token(preview.text)})

    assert done.status_code == 200
    # With the letter's id for the host page's event (docs/embed.md).
    sent = re.search(
        r'<meta name="civic-letters-sent" content="sent" data-letter="(\w+)">', done.text
    )
    assert sent and re.fullmatch(r"[0-9a-f]{20}", sent[1])
    ids = partner_ids(app, slug)
    assert recorded(app) == [
        (
            ids["riverside"],
            "june",
            [(None, CAMPAIGN_CONSENT), (ids["riverside"], PARTNERS["riverside"][1])],
        )
    ]


def test_unticked_partner_box_credits_the_partner_but_records_no_consent(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    response = send_letter(client, slug, partner="eastside")
    assert "civic-letters-sent" in response.text
    assert recorded(app) == [(partner_ids(app, slug)["eastside"], None, [])]


def test_unknown_partner_code_credits_nobody_and_shows_no_partner_box(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    """No consent is asked for an organisation the campaign does not know; the code goes on
    with the form (the letter keeps it: tests/widget/test_unknown_partner.py)."""
    page = open_widget(client, slug, partner="not-a-partner").text
    assert _value(page, "partner") == "not-a-partner"
    assert _value(page, "partner_consent") is None

    send_letter(client, slug, partner="not-a-partner", partner_consent="y")
    assert recorded(app) == [(None, None, [])]


def test_signup_mode_continues_to_the_letter_form_with_everything_kept(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    signup = open_widget(client, slug, mode="signup", partner="riverside", wid="w7")
    assert signup.status_code == 200
    assert 'value="continue"' in signup.text and _value(signup.text, "street") is None
    data = {
        "form_token": form_token(signup.text),
        "mode": "letter",
        "wid": "w7",
        "partner": "riverside",
        "first_name": "Lina",
        "last_name": "Saleh",
        "email": "lina@example.org",
        "zip_code": "48126",
        "partner_consent": "y",
        "action": "continue",
    }

    letter = post_widget(client, slug, data)

    assert letter.status_code == 200
    for name in ("first_name", "last_name", "email", "zip_code", "partner"):
        assert _value(letter.text, name) == data[name], name
    assert _checked(letter.text, "partner_consent")
    assert _value(letter.text, "street") == "" and 'value="preview"' in letter.text
    assert record_counts(app) == NOTHING_RECORDED


def test_signup_says_the_zip_is_for_the_us_only_and_continues_without_one(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    """A supporter in Berlin: no ZIP to give, nothing to make them think they need one."""
    signup = open_widget(client, slug, mode="signup", wid="w7")
    zip_input = re.search(r'<input[^>]*id="zip_code"[^>]*>', signup.text)
    assert zip_input is not None and "required" not in zip_input.group(0)
    assert 'aria-describedby="zip_code-hint"' in zip_input.group(0)
    assert "If you live in the United States. From anywhere else, leave it empty" in signup.text
    data = {
        "form_token": form_token(signup.text),
        "mode": "letter",
        "wid": "w7",
        "first_name": "Lina",
        "last_name": "Saleh",
        "email": "lina.berlin@example.org",
        "zip_code": "",
        "action": "continue",
    }
    letter = post_widget(client, slug, data)
    assert letter.status_code == 200 and 'value="preview"' in letter.text
    assert _value(letter.text, "first_name") == "Lina"
    assert 'class="error"' not in letter.text


def test_counter_shows_the_letter_count_and_the_goal_bar(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    add_letters(app, slug, [Letter(f"writer{n}@example.org") for n in range(3)])

    page = open_widget(client, slug, mode="counter").text

    assert re.search(r"<strong><bdi>3</bdi></strong>\s*letters written", page), page
    assert f"Goal: <bdi>{GOAL}</bdi>" in page
    assert re.search(rf'<progress id="goal" max="{GOAL}" value="3">', page)
    assert "<form" not in page


def test_counter_says_one_letter_in_the_singular_in_both_languages(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    add_letters(app, slug, [Letter("writer@example.org")])

    english = open_widget(client, slug, mode="counter").text
    assert re.search(r"<strong><bdi>1</bdi></strong>\s*letter written", english), english
    arabic = open_widget(client, slug, mode="counter", lang="ar").text
    assert "<strong><bdi>1</bdi></strong> رسالة كُتبت" in arabic, arabic


def test_same_email_writing_again_is_told_it_was_recorded_once(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    send_letter(client, slug)
    again = send_letter(client, slug, first_name="Someone")
    assert "Your letter was already recorded" in again.text
    assert '<meta name="civic-letters-sent" content="repeat">' in again.text
    assert record_counts(app)["Submission"] == 1
    assert "The boxes you ticked" not in again.text
    # A partner's box ticked only the second time is not recorded, and the page says so.
    ticked = send_letter(client, slug, partner="riverside", partner_consent="y")
    assert "The boxes you ticked this time were not recorded either" in ticked.text
    assert recorded(app) == [(None, None, [])]


def _preview(client: FlaskClient, slug: str) -> TestResponse:
    token = form_token(open_widget(client, slug).text)
    return post_widget(client, slug, letter_data(token, action="preview"))


def _refused(client: FlaskClient, slug: str) -> TestResponse:
    return post_widget(client, slug, letter_data("forged"))


def _continue(client: FlaskClient, slug: str) -> TestResponse:
    token = form_token(open_widget(client, slug, mode="signup").text)
    return post_widget(client, slug, letter_data(token, action="continue"))


WIDGET_RESPONSES: dict[str, Callable[[FlaskClient, str], TestResponse]] = {
    "embed.js": lambda c, slug: c.get("/embed.js"),
    "letter form": lambda c, slug: open_widget(c, slug, partner="riverside"),
    "sign-up form": lambda c, slug: open_widget(c, slug, mode="signup"),
    "counter": lambda c, slug: open_widget(c, slug, mode="counter"),
    "continue": _continue,
    "preview": _preview,
    "invalid form": lambda c, slug: send_letter(c, slug, zip_code="1"),
    "sent": lambda c, slug: send_letter(c, slug),
    "refused post": _refused,
    "unknown campaign": lambda c, slug: open_widget(c, "no-such-campaign"),
}


@pytest.mark.parametrize("step", list(WIDGET_RESPONSES))
def test_widget_responses_never_set_a_cookie(client: FlaskClient, slug: str, step: str) -> None:
    response = WIDGET_RESPONSES[step](client, slug)
    assert response.status_code < 500, response.text
    assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")


def test_links_out_of_the_frame_keep_the_partner_and_its_code_matches_any_case(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    """ "Open the full page", the counter's "Write yours" and the thank-you step's share links
    carry the partner's code: a letter written there is attributed to it too. A code pasted
    in capitals still finds its partner."""
    full_page = f"http://localhost/campaigns/{slug}?partner=riverside"
    page = open_widget(client, slug, partner="RiverSide").text
    assert _value(page, "partner") == "riverside"
    assert f'<a href="{full_page}" target="_blank"' in page.replace("&amp;", "&")
    counter = open_widget(client, slug, partner="riverside", mode="counter").text
    assert f'<a href="{full_page}" target="_blank"' in counter.replace("&amp;", "&")
    done = send_letter(client, slug, partner="riverside")
    assert "partner%3Driverside" in done.text or "partner=riverside" in done.text
    assert recorded(app)[0][0] == partner_ids(app, slug)["riverside"]
    plain = open_widget(client, slug).text
    assert f'href="http://localhost/campaigns/{slug}" target="_blank"' in plain
    # The thank-you page is cached per shape: another partner's (or none) gets its own links.
    other = send_letter(client, slug, email="other@example.org", first_name="Omar")
    assert "Thank you, <bdi>Omar</bdi>" in other.text
    assert "riverside" not in other.text


def test_the_preview_says_a_partner_box_gives_way_to_keeping_off_partners_lists(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    said = "so the partner whose box you ticked will not receive your name or email"
    token = form_token(open_widget(client, slug, partner="riverside").text)
    both = letter_data(
        token, action="preview", partner="riverside", partner_consent="y", private="y"
    )
    assert said in post_widget(client, slug, both).text
    token = form_token(open_widget(client, slug, partner="riverside").text)
    one = letter_data(token, action="preview", partner="riverside", partner_consent="y")
    assert said not in post_widget(client, slug, one).text


def test_a_code_in_another_case_is_not_guessed_between_two_partners() -> None:
    """Two partners whose codes differ only in case: each exact code finds its own, and
    neither is guessed for a third spelling."""
    both = Campaign(
        partners=[Partner(code="sama", name="Sama A"), Partner(code="Sama", name="Sama B")]
    )
    assert find_partner(both, "Sama").name == "Sama B"  # type: ignore[union-attr]
    assert find_partner(both, "sama").name == "Sama A"  # type: ignore[union-attr]
    assert find_partner(both, "SAMA") is None
    one = Campaign(partners=[Partner(code="sama", name="Sama A")])
    assert find_partner(one, "SAMA").name == "Sama A"  # type: ignore[union-attr]
