"""Cached form pages are byte for byte the pages rendered afresh, and an edit shows at once."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import flask_wtf.csrf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.supporter.campaign_files import write_campaign
from tests.widget.helpers import PARTNERS, partners_yaml, widget_campaign
from webapp.database import db
from webapp.models import Target
from webapp.supporter import campaign_page, prompt_variant
from webapp.supporter.page_cache import FormPages, SplitPage, marker
from webapp.widget import views as widget_views

# Per-request values with every character HTML escapes, in Latin and in Arabic letters.
AWKWARD = "a\"<>&'b"
ARABIC = "رشا \"<>&' حداد"
PREFILLS: list[dict[str, str]] = [
    {},
    {"first_name": AWKWARD, "email": f"{AWKWARD}@example.org", "zip": "4<8&1'2\"6"},
    {"first_name": ARABIC, "source": AWKWARD, "zip": "٤٨١٢٦"},
    {"first_name": "x" * 150, "source": "s" * 100, "parent": "https://partner.example"},
]
SKIPPED_HEADERS = {"Set-Cookie", "Date"}


@pytest.fixture
def fixed(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Tokens, stamps and draws made the same for both renderings (escaping included)."""
    state: dict[str, Any] = {"variant": None, "count": 0}
    monkeypatch.setattr(widget_views, "issue_token", lambda c, p: f"tok{AWKWARD}{p}")
    monkeypatch.setattr(widget_views, "started_stamp", lambda: f"st{AWKWARD}")
    monkeypatch.setattr(campaign_page, "started_stamp", lambda: f"st{AWKWARD}")
    monkeypatch.setattr(campaign_page, "_letter_count", lambda c: state["count"])
    for module in (flask_wtf.csrf, campaign_page):
        monkeypatch.setattr(module, "generate_csrf", lambda *a, **k: f"csrf{AWKWARD}")

    def draw(names: list[str], *_args: Any) -> str | None:
        if not names:
            return None
        return state["variant"] if state["variant"] in names else names[0]

    monkeypatch.setattr(prompt_variant, "assign_variant", draw)
    return state


def _cache(app: Flask, size: int) -> FormPages:
    pages = FormPages(size)
    app.extensions["form_pages"] = pages
    return pages


def _same(fresh: TestResponse, cached: TestResponse) -> None:
    assert cached.status_code == fresh.status_code
    assert cached.data == fresh.data
    headers = {k: v for k, v in fresh.headers.items() if k not in SKIPPED_HEADERS}
    assert {k: v for k, v in cached.headers.items() if k not in SKIPPED_HEADERS} == headers


def _both_ways(
    app: Flask, urls: list[tuple[str, dict[str, str]]], pages: FormPages | None = None
) -> list[bytes]:
    """Each GET in turn from a client of its own, cache off then on (`pages`, else a new
    cache); on is asked twice."""
    _cache(app, 0)
    fresh_client = app.test_client()
    fresh = [fresh_client.get(url, headers=headers) for url, headers in urls]
    pages = FormPages(256) if pages is None else pages
    app.extensions["form_pages"] = pages
    cached_client, again_client = app.test_client(), app.test_client()
    for (url, headers), want in zip(urls, fresh, strict=True):
        _same(want, cached_client.get(url, headers=headers))
        kept = len(pages)
        _same(want, again_client.get(url, headers=headers))
        assert len(pages) == kept, "a repeat visit was rendered again"
        assert want.status_code == 200
    return [response.data for response in fresh]


def _query(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else ""


def _widget_urls(slug: str) -> Iterator[tuple[str, dict[str, str]]]:
    modes = ({}, {"mode": "signup"}, {"mode": "letter", "wid": "w-1"})
    partners = ({}, {"partner": "riverside"}, {"partner": "nobody"})
    for prefill, mode, partner, lang in itertools.product(
        PREFILLS, modes, partners, ({}, {"lang": "ar"})
    ):
        yield f"/widget/{slug}{_query({**prefill, **mode, **partner, **lang})}", {}
    yield f"/widget/{slug}", {"Accept-Language": "ar"}


@pytest.mark.parametrize("variant", ["family", "why"])
def test_widget_pages_from_the_cache_are_the_pages_rendered_afresh(
    app: Flask, default_campaign: str, tmp_path: Path, fixed: dict[str, Any], variant: str
) -> None:
    fixed["variant"] = variant
    partners = widget_campaign(app, tmp_path)
    urls = [*_widget_urls(default_campaign), *_widget_urls(partners)]
    pages = _both_ways(app, urls)
    # The cases differ where they should: escaped prefill, the Latin-name fields, partners.
    text = "\n".join(page.decode() for page in pages)
    assert 'value="a&#34;&lt;&gt;&amp;&#39;b@example.org"' in text
    assert "رشا &#34;&lt;&gt;&amp;&#39; حداد" in text
    # 18 pages per prefill: the plain English page with no prefill, then with the Arabic name.
    assert '<div class="latin-name" id="latin-name" hidden data-other-script>' in pages[0].decode()
    assert '<div class="latin-name" id="latin-name">' in pages[2 * 18].decode()
    assert PARTNERS["riverside"][1] in text
    assert len(set(pages)) > len(pages) // 2


def test_campaign_pages_from_the_cache_are_the_pages_rendered_afresh(
    app: Flask, default_campaign: str, tmp_path: Path, fixed: dict[str, Any]
) -> None:
    partners = widget_campaign(app, tmp_path)
    urls = []
    for slug, params, headers in itertools.product(
        (default_campaign, partners),
        ({}, {"source": AWKWARD}, {"partner": "eastside", "source": ARABIC}, {"lang": "ar"}),
        ({}, {"Accept-Language": "ar"}),
    ):
        urls.append((f"/campaigns/{slug}{_query(params)}", headers))
    cache = FormPages(256)
    # The count's sentence takes its plural form from the number (Arabic has six).
    for count in (0, 1, 2, 3, 11, 100, 101, 1234):
        fixed["count"] = count
        pages = _both_ways(app, urls, cache)
        assert all(f"csrf{AWKWARD}".encode() not in page for page in pages)
        assert all(b"csrfa&#34;&lt;&gt;&amp;&#39;b" in page for page in pages)
        said = "<bdi>1</bdi> person has" if count == 1 else f"<bdi>{count:,}</bdi> people have"
        assert f"{said} written so far.".encode() in pages[0]
        if count > 2:  # Arabic words 0, 1 and 2 without a numeral; every page isolates the number
            assert all(f"<bdi>{count:,}</bdi>".encode() in page for page in pages)


def test_a_remembered_prompt_variant_is_kept_from_the_cache_too(
    app: Flask, default_campaign: str, fixed: dict[str, Any]
) -> None:
    seen = []
    for size in (0, 64):
        _cache(app, size)
        client = app.test_client()
        shown = []
        for variant in ("why", "family", "family"):
            fixed["variant"] = variant
            shown.append(client.get(f"/campaigns/{default_campaign}").data)
        seen.append(shown)
    assert seen[0] == seen[1]
    assert seen[0][0] == seen[0][1] == seen[0][2]


def test_an_organiser_edit_shows_at_once(app: Flask, tmp_path: Path, client: FlaskClient) -> None:
    _cache(app, 64)
    slug = widget_campaign(app, tmp_path)
    widget = f"/widget/{slug}?partner=riverside"
    page = f"/campaigns/{slug}"
    assert "Safe water for every school" in client.get(widget).text
    assert PARTNERS["riverside"][1] in client.get(widget).text
    assert "Water Board" in client.get(page).text

    # The campaign itself, as the editor saves it (through the import service).
    write_campaign(app, tmp_path, slug, title="Clean water now", extra=partners_yaml())
    assert "Clean water now" in client.get(widget).text
    assert "Clean water now" in client.get(page).text

    # Only a partner's wording.
    changed = partners_yaml().replace(PARTNERS["riverside"][1], "Riverside may write to me.")
    write_campaign(app, tmp_path, slug, title="Clean water now", extra=changed)
    assert "Riverside may write to me." in client.get(widget).text

    # Only a target row.
    with app.app_context():
        target = db.session.scalar(select(Target).where(Target.name == "Water Board"))
        assert target is not None
        target.office = "Office of Pipes"
        db.session.commit()
    assert "Office of Pipes" in client.get(page).text

    # A draft is gone at once.
    write_campaign(app, tmp_path, slug, status="draft", extra=changed)
    assert client.get(widget).status_code == 404
    assert client.get(page).status_code == 404


def test_a_flashed_message_is_shown_once_and_never_cached(
    app: Flask, tmp_path: Path, client: FlaskClient
) -> None:
    _cache(app, 64)
    slug = write_campaign(app, tmp_path, "flashing")
    client.get(f"/campaigns/{slug}")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", f"Note {AWKWARD}")]
    assert "Note a&#34;&lt;&gt;&amp;&#39;b" in client.get(f"/campaigns/{slug}").text
    assert "Note a" not in client.get(f"/campaigns/{slug}").text


def test_the_cache_keeps_the_latest_pages_only() -> None:
    pages = FormPages(2)
    renders: list[str] = []

    def render(key: str) -> Any:
        def make(value_of: Any) -> str:
            renders.append(key)
            return f"<p>{key} {value_of('v')}</p>"

        return make

    for key in ("a", "b", "a", "c", "a", "b"):
        assert pages.page(key, render(key), {"v": "<&>"}) == f"<p>{key} &lt;&amp;&gt;</p>".encode()
    assert renders == ["a", "b", "c", "b"]
    assert len(pages) == 2


def test_a_split_page_escapes_as_jinja_does() -> None:
    split = SplitPage.of(f'<input value="{marker("x")}">{marker("y")}{marker("x")}')
    assert split.slots == ("x", "y", "x")
    assert split.fill({"x": "\"'<&>", "y": "ب"}) == (
        '<input value="&#34;&#39;&lt;&amp;&gt;">ب&#34;&#39;&lt;&amp;&gt;'.encode()
    )
