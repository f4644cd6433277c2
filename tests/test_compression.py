"""Pages, styles and scripts go out gzipped to browsers that ask, at the configured level."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app

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
    ("url", "marker"),
    [
        ("/campaigns/{slug}", b"</html>"),
        ("/widget/{slug}?wid=w1", b"</html>"),
        ("/static/css/site.css", b"{"),
        ("/static/js/embed.js", b"function"),
    ],
)
def test_pages_styles_and_scripts_are_gzipped_when_asked(
    client: FlaskClient, default_campaign: str, url: str, marker: bytes
) -> None:
    response, body = _gunzipped(client, url.format(slug=default_campaign))
    assert marker in body
    assert len(response.data) < len(body) / 2
    assert response.data[8] == FASTEST  # COMPRESS_LEVEL's default, 1
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
