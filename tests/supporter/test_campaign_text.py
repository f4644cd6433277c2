"""A campaign's title, lead, share subject and merge fields as a reader sees them, per language."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.supporter.campaign_files import write_campaign
from tests.supporter.helpers import post_letter
from tests.widget.helpers import open_widget
from webapp.database import db
from webapp.models import Delivery

SHIPPED_TITLE_AR = "خمس خطوات على بايدن اتخاذها"


def test_the_share_email_is_titled_with_the_campaigns_title_in_the_receipts_language(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """Not the letter's subject, whose merge fields ('in {{ supporter.city }}') were shared
    unfilled."""
    translations = {"ar": {"title": "مياه آمنة لكل مدرسة", "body": "موّلوا الأنابيب."}}
    extra = yaml.safe_dump({"translations": translations}, allow_unicode=True)
    slug = write_campaign(app, tmp_path, "water", extra=extra)
    subjects = []
    for language in ("en", "ar"):
        sent = post_letter(client, f"{slug}?lang={language}", email=f"{language}@example.org")
        assert sent.status_code == 303, sent.text
        receipt = client.get(sent.headers["Location"]).text
        found = re.search(r'class="share share-email" href="mailto:\?subject=([^&"]*)', receipt)
        assert found, "no share email link"
        subjects.append(unquote(html.unescape(found.group(1))))
    assert subjects == ["Safe water for every school", "مياه آمنة لكل مدرسة"]


def test_the_campaign_list_introduces_each_campaign_by_its_letter_in_the_readers_language(
    app: Flask, client: FlaskClient, default_campaign: str, tmp_path: Path
) -> None:
    """Not by the letter's subject, whose merge fields ('in {{ supporter.city }}') showed."""
    write_campaign(app, tmp_path, "water")  # subject "Safe water in {{ supporter.city }}"
    english = client.get("/?lang=en").text
    assert '<p lang="en" dir="auto">One year ago when you became president,' in english
    assert '<p lang="en" dir="auto">Our children need safe water at school.</p>' in english
    assert "{{" not in english
    arabic = client.get("/?lang=ar").text
    assert f">{SHIPPED_TITLE_AR}" in arabic
    assert '<p lang="ar" dir="auto">قبل عام، حين أصبحتم رئيسًا' in arabic
    assert '<p lang="en" dir="auto">Our children need safe water at school.</p>' in arabic


def test_merge_fields_show_as_what_they_stand_for_before_anyone_writes(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """The page and the widget showed '{{ supporter.city }}' itself; the English letter keeps
    English placeholders on an Arabic page, the Arabic copy Arabic ones."""
    translations = {
        "ar": {
            "salutation": "حضرة {{ target.name }}،",
            "body": "مياه آمنة في {{ supporter.city }}. نطالب بها.",
        }
    }
    extra = yaml.safe_dump({"translations": translations}, allow_unicode=True)
    slug = write_campaign(
        app,
        tmp_path,
        "water",
        body="Safe water in {{ supporter.city }}, from {{ supporter.full_name }}. Now.",
        body_editable=False,
        salutation="Dear {{ target.title }} {{ target.last_name }},",
        # A fixed office has no title or last name: greeted by the campaign's salutation, its
        # letters would open "Dear  ," (refused since f42b6a5), so it has its own.
        target_salutation="Dear Members of the Water Board,",
        extra=extra,
    )
    english = client.get(f"/campaigns/{slug}?lang=en").text
    assert "Safe water in [your city], from [your name]. Now." in english
    assert 'Subject: <bdi lang="en">Safe water in [your city]</bdi>' in english
    assert "<p>Dear [the official&#39;s title] [the official&#39;s last name],</p>" in english
    assert "{{" not in english
    arabic = client.get(f"/campaigns/{slug}?lang=ar").text
    assert "Safe water in [your city], from [your name]." in arabic  # the English letter
    assert "مياه آمنة في [مدينتك]." in arabic and "<p>حضرة [اسم المسؤول]،</p>" in arabic
    assert '<p class="lead">مياه آمنة في [مدينتك].' in arabic
    assert "{{" not in arabic
    widget = open_widget(client, slug, lang="ar").text
    assert "مياه آمنة في [مدينتك]." in widget and "Safe water in [your city]," in widget
    assert "{{" not in widget
    assert "مياه آمنة في [مدينتك]." in client.get("/?lang=ar").text
    # What is sent is merged with the writer's own values, never the placeholders.
    sent = post_letter(client, f"{slug}?lang=ar", email="p@example.org")
    assert sent.status_code == 303, sent.text
    with app.app_context():
        text = db.session.scalars(select(Delivery)).one().final_text
    assert "Safe water in Dearborn, from Rasha Haddad. Now." in text
    assert "[" not in text and "{{" not in text


def test_the_reading_copy_has_its_own_subject_line_and_offices_get_the_english(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    translations = {"ar": {"subject": "مياه آمنة في {{ supporter.city }}", "body": "نطالب بها."}}
    extra = yaml.safe_dump({"translations": translations}, allow_unicode=True)
    slug = write_campaign(app, tmp_path, "water", extra=extra)
    page = client.get(f"/campaigns/{slug}?lang=ar").text
    copy = page.split('class="reading-pane reading-pane-copy"', 1)[1].split("</section>", 1)[0]
    assert '<p class="letter-subject">الموضوع: <bdi>مياه آمنة في [مدينتك]</bdi></p>' in copy
    assert 'الموضوع: <bdi lang="en">Safe water in [your city]</bdi>' in page  # above both

    preview = post_letter(client, f"{slug}?lang=ar", "preview").text
    reading = preview.split('<article class="letter letter-reading"', 1)[1].split("</article>")[0]
    # The city typed, isolated inside the Arabic subject (the English one below carries no marks).
    subject = "الموضوع: <bdi>مياه آمنة في \u2068Dearborn\u2069</bdi>"
    assert f'<p class="letter-subject">{subject}</p>' in reading
    english = preview.split('<article class="letter"', 1)[1].split("</article>")[0]
    assert 'الموضوع: <bdi lang="en">Safe water in Dearborn</bdi>' in english
    # Without a translated subject the reading letter shows the one offices get, as English.
    plain = write_campaign(
        app,
        tmp_path,
        "plain",
        extra=yaml.safe_dump({"translations": {"ar": {"body": "نطالب بها."}}}, allow_unicode=True),
    )
    preview = post_letter(client, f"{plain}?lang=ar", "preview").text
    reading = preview.split('<article class="letter letter-reading"', 1)[1].split("</article>")[0]
    assert 'الموضوع: <bdi lang="en">Safe water in Dearborn</bdi>' in reading
    # On a line of its own, in its own direction, as in the English letter beside it.
    assert '<p class="letter-subject apart">الموضوع: <bdi lang="en">' in reading


def test_the_lead_is_read_as_text_without_markdowns_marks(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    body = "We ask **you**, [the board](https://board.example), to act & fund pipes. More."
    slug = write_campaign(app, tmp_path, "water", body=body, body_editable=False)
    page = client.get(f"/campaigns/{slug}").text
    assert '<span lang="en">We ask you, the board, to act &amp; fund pipes.</span>' in page


def _panes_and_tabs(page: str, prefix: str) -> tuple[list[str], list[str]]:
    """The order of a reading pair's panes and of its tabs ('sent', 'copy')."""
    panes = re.findall(rf'<section class="reading-pane reading-pane-\w+" id="{prefix}-(\w+)"', page)
    tabs = re.findall(rf'<a href="#{prefix}-(\w+)" id="{prefix}-\w+-tab">', page)
    return panes, tabs


def test_an_arabic_reader_meets_the_reading_copy_first_and_checks_the_english_on_the_preview(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """On the campaign page the reader finds out what the letter says: the Arabic copy is the
    first tab on a phone and the start column on a wide screen, as in the widget. On the
    preview they check what is sent in their name: the English comes first there."""
    page = client.get(f"/campaigns/{default_campaign}?lang=ar").text
    assert _panes_and_tabs(page, "letter") == (["copy", "sent"], ["copy", "sent"])
    preview = post_letter(client, f"{default_campaign}?lang=ar", "preview")
    assert preview.status_code == 200, preview.text
    panes, tabs = _panes_and_tabs(preview.text, "office-1")
    assert panes == tabs == ["sent", "copy"]
    # No reading copy in English: the letter alone, no pair.
    english = client.get(f"/campaigns/{default_campaign}?lang=en").text
    assert "data-reading-pair" not in english
