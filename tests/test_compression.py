"""Pages, styles and scripts go out gzipped to browsers that ask, at the configured level."""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import pytest
from flask import Flask, make_response
from flask.testing import FlaskClient

from webapp import create_app
from webapp.config import ConfigError
from webapp.supporter.page_cache import FormPages, SplitPage, marker

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
# Byte 8 of a gzip header (XFL) says how hard the compressor worked: 4 fastest, 2 best.
FASTEST, BEST = 4, 2


def _gunzipped(client: FlaskClient, url: str) -> tuple[Any, bytes]:
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200, url
    assert response.headers["Content-Encoding"] == "gzip", url
    assert "Accept-Encoding" in response.headers["Vary"]
    return response, gzip.decompress(response.data)


@pytest.mark.parametrize(
    ("url", "marker", "level"),
    [
        # Form pages come from the page cache, whose fixed text is compressed once, at best.
        ("/campaigns/{slug}", b"</html>", BEST),
        ("/widget/{slug}?wid=w1", b"</html>", BEST),
        ("/static/css/site.css", b"{", FASTEST),  # COMPRESS_LEVEL's default, 1
        ("/static/js/embed.js", b"function", FASTEST),
    ],
)
def test_pages_styles_and_scripts_are_gzipped_when_asked(
    client: FlaskClient, default_campaign: str, url: str, marker: bytes, level: int
) -> None:
    response, body = _gunzipped(client, url.format(slug=default_campaign))
    assert marker in body
    assert len(response.data) < len(body) / 2
    assert response.data[8] == level
    plain = client.get(url.format(slug=default_campaign))
    assert "Content-Encoding" not in plain.headers
    assert marker in plain.data


def test_the_level_and_the_switch_are_settings(app_config: dict[str, Any]) -> None:
    best = create_app({**app_config, "COMPRESS_LEVEL": 9}).test_client()
    response = best.get("/static/css/site.css", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.data[8] == BEST
    off = create_app({**app_config, "COMPRESS_ENABLED": False}).test_client()
    response = off.get("/static/css/site.css", headers=GZIP)
    assert "Content-Encoding" not in response.headers
    assert b"{" in response.data


def test_json_is_gzipped_and_a_small_answer_is_sent_as_it_is(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    response = client.get(f"/api/campaigns/{default_campaign}/stats", headers=GZIP)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert len(response.data) < app.config["COMPRESS_MIN_SIZE"]
    assert "Content-Encoding" not in response.headers


def test_a_gzipped_file_is_revalidated_without_sending_it_again(client: FlaskClient) -> None:
    first = client.get("/static/css/site.css", headers=GZIP)
    etag = first.headers["ETag"]
    assert etag.endswith(':gzip"')
    again = client.get("/static/css/site.css", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


ARABIC = "رسالة إلى الرئيس"


@pytest.mark.parametrize("long_value", [0, 70_000])
def test_a_cached_page_gzipped_from_its_pieces_is_the_page(long_value: int) -> None:
    """The literals are deflated once and the values stored as they are: the whole must be one
    valid gzip member of exactly the filled page, whatever the values hold."""
    # Starts and ends on a value, two values side by side, text and values in Arabic.
    page = (
        f"{marker('c')}<p>{ARABIC}{marker('a')}</p>"
        + "<option>x</option>" * 500
        + f"{marker('b')}{marker('c')}<end>{marker('d')}"
    )
    split = SplitPage.of(page)
    values = {"a": 'Rania & "Sami" <3', "b": "z" * long_value, "c": ARABIC, "d": ""}
    body = split.fill(values)

    encoded = split.gzipped(values, body, body)

    assert encoded is not None
    whole = zlib.decompressobj(31)
    assert whole.decompress(encoded) == body
    assert whole.eof and not whole.unused_data
    assert split.gzipped(values, body, body + b" ") is None, "a changed body is not this page"


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip", "gzip"),
        ("*", "gzip"),
        ("gzip;q=0.5, identity", None),
        ("identity;q=1, gzip;q=0.1", None),
        ("identity", None),
        # A quality of 0 refuses the encoding (RFC 9110, 12.4.2), whatever else is offered.
        ("gzip;q=0", None),
        ("deflate, gzip;q=0", None),
        ("gzip;q=0, *", None),
        # `*` stands in for gzip only while identity is not named (as Flask-Compress has it).
        ("*, identity", None),
        ("*;q=0.5, identity;q=0.4", None),
        ("identity;q=0, *", None),
        ("gzip;q=0.5, identity;q=0.5", "gzip"),
    ],
)
def test_a_cached_page_is_gzipped_exactly_when_any_other_response_would_be(
    client: FlaskClient, default_campaign: str, accept: str, encoding: str | None
) -> None:
    page = client.get(f"/campaigns/{default_campaign}", headers={"Accept-Encoding": accept})
    style = client.get("/static/css/site.css", headers={"Accept-Encoding": accept})
    assert page.headers.get("Content-Encoding") == encoding
    assert style.headers.get("Content-Encoding") == encoding
    # Either way the answer depended on the header, and a cache must know it.
    assert "Accept-Encoding" in page.headers["Vary"] and "Accept-Encoding" in style.headers["Vary"]
    if encoding is None:
        assert page.data.rstrip().endswith(b"</html>")
    head = client.head(f"/campaigns/{default_campaign}", headers={"Accept-Encoding": accept})
    assert head.headers.get("Content-Encoding") == page.headers.get("Content-Encoding")


@pytest.mark.parametrize(
    "setting", [{"COMPRESS_ALGORITHM": ["br", "gzip"]}, {"COMPRESS_STREAMS": True}]
)
def test_compression_other_than_gzip_of_whole_responses_is_refused_at_start(
    app_config: dict[str, Any], setting: dict[str, Any]
) -> None:
    with pytest.raises(ConfigError, match="gzip only"):
        create_app({**app_config, **setting})


def test_with_compression_off_a_cached_page_goes_as_it_is(
    app_config: dict[str, Any], default_campaign: str
) -> None:
    off = create_app({**app_config, "COMPRESS_ENABLED": False}).test_client()
    response = off.get(f"/campaigns/{default_campaign}", headers=GZIP)
    assert "Content-Encoding" not in response.headers
    assert b"</html>" in response.data


def test_a_page_changed_after_the_cache_filled_it_is_compressed_whole(
    app_config: dict[str, Any],
) -> None:
    app = create_app(app_config)
    pages = FormPages(4)

    @app.get("/changed")
    def changed() -> bytes:
        page = pages.page(
            "k", lambda value_of: f"<p>{value_of('n')}</p>" + "<br>" * 400, {"n": "1"}
        )
        return page.replace(b"<p>", b"<p class=x>")

    @app.get("/created")
    def created() -> tuple[bytes, int]:
        return pages.page("k", lambda value_of: "", {"n": "1"}), 201

    @app.get("/tagged")
    def tagged() -> Any:
        response = make_response(pages.page("k", lambda value_of: "", {"n": "1"}))
        response.set_etag("v1")
        return response

    client = app.test_client()
    response = client.get("/changed", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.data[8] == FASTEST, "Flask-Compress compressed it, not the page cache"
    assert gzip.decompress(response.data).startswith(b"<p class=x>1</p><br>")
    for url in ("/created", "/tagged"):  # left to Flask-Compress as well
        response = client.get(url, headers=GZIP)
        assert response.data[8] == FASTEST, url
        assert gzip.decompress(response.data).startswith(b"<p>1</p><br>"), url
    assert client.get("/tagged", headers=GZIP).headers["ETag"] == '"v1:gzip"'
