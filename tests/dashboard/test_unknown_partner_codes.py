"""Letters that came with a partner code naming no partner of the campaign: the organisers see
each code with its letters, marked as no partner's; a partner account never sees them."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.helpers import ADMIN, add_partner, signed_in
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget, widget_campaign
from webapp.models import Role

TYPO = "riversde"
MARKED = f"<bdi>{TYPO}</bdi> — not a partner of this campaign: check the snippet"


@pytest.fixture
def slug(app: Flask, client: FlaskClient, tmp_path: Path) -> str:
    slug = widget_campaign(app, tmp_path)
    for n, code in enumerate((TYPO, TYPO, "riverside", None)):
        params = {"partner": code} if code else {}
        page = open_widget(client, slug, **params).text
        data = letter_data(form_token(page), email=f"w{n}@example.org", partner=code)
        assert "civic-letters-sent" in post_widget(client, slug, data).text
    return slug


def _csv(text: str) -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def test_the_admin_dashboard_lists_each_unknown_code_apart_from_no_partner(
    app: Flask, slug: str
) -> None:
    admin = signed_in(app, ADMIN)
    data = admin.get(f"/dashboard/campaigns/{slug}/data.json").get_json()
    assert data["by_partner"] == {"Riverside Parents (riverside)": 1, "no partner": 1}
    assert data["unknown_partner_codes"] == {TYPO: 2}
    page = admin.get(f"/dashboard/campaigns/{slug}").text
    assert f'<tr class="unknown-code"><td>{MARKED}</td><td class="num">2</td></tr>' in page
    # The organiser pages speak the installation's default language (here Arabic).
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    arabic = admin.get(f"/dashboard/campaigns/{slug}").text
    assert f"<bdi>{TYPO}</bdi> — ليس شريكًا في هذه الحملة: راجِع مقطع التضمين" in arabic


def test_the_letters_csv_names_the_unknown_code_beside_an_empty_partner(
    app: Flask, slug: str
) -> None:
    rows = _csv(signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}/export.csv").text)
    shown = sorted((r["email"], r["partner"], r["unknown_partner_code"]) for r in rows)
    assert shown == [
        ("w0@example.org", "", TYPO),
        ("w1@example.org", "", TYPO),
        ("w2@example.org", "riverside", ""),
        ("w3@example.org", "", ""),
    ]


def test_a_partner_account_never_sees_other_codes(app: Flask, slug: str) -> None:
    partner = signed_in(app, "rp@partner.example.org", Role.PARTNER, "riverside")
    for path in ("", "/data.json", "/export.csv", "?lang=ar"):
        response = partner.get(f"/dashboard/campaigns/{slug}{path}")
        assert response.status_code == 200
        assert TYPO not in response.text


def test_a_code_added_as_a_partner_later_is_not_called_a_mistake(app: Flask, slug: str) -> None:
    """Its letters were written before: they still credit no partner, and say why."""
    add_partner(app, slug, TYPO, "Riverside Typo Org")
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text
    assert (
        f"<td><bdi>{TYPO}</bdi> — not yet a partner of this campaign when these letters were "
        'written</td><td class="num">2</td>'
    ) in page
    assert "check the snippet" not in page
    assert "correct the code" not in page  # nor the note under the table


def test_a_code_added_later_in_another_case_is_not_called_a_mistake_either(
    app: Flask, slug: str
) -> None:
    """Links match a code in any case (`find_partner`): the snippet credits that partner now."""
    add_partner(app, slug, TYPO.upper(), "Riverside Typo Org")
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text
    assert "not yet a partner of this campaign when these letters were written" in page
    assert "check the snippet" not in page


def test_the_partner_rows_are_translated_and_their_names_isolated(app: Flask, slug: str) -> None:
    """Beside the unknown codes: "no partner" in the page's language, and each partner's name
    and code isolated apart, the code left to right with its brackets (name_and_code)."""
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text
    table = page[page.index('id="partners-heading"') : page.index("unknown-code")]
    code = '<bdi class="code-tag" dir="ltr">(riverside)</bdi>'
    assert f"<td><bdi>Riverside Parents</bdi> {code}</td>" in table
    assert "<td>بلا شريك</td>" in table and "no partner" not in table


def test_the_sources_table_says_no_source_in_the_pages_language(app: Flask, slug: str) -> None:
    """Its "none" was the tally's own key, in English on an Arabic dashboard."""
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text
    table = page[page.index("unknown-code") :]
    table = table[: table.index("</table>", table.index("</table>") + 1)]
    assert "<td>بلا مصدر</td>" in table and "<td>none</td>" not in table
