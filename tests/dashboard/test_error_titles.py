"""Dashboard forms sent back with errors: the title says so first (also without JavaScript),
and a summary site.js focuses is not an alert as well (read twice)."""

from __future__ import annotations

import html
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.helpers import log_in, page_token, signed_in

ERROR = "Error: "


def _title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found, "no title"
    return html.unescape(found.group(1)).strip()


def _summary_tag(page: str) -> str:
    found = re.search(r'<div class="error-summary"[^>]*>', page)
    assert found, "no error summary"
    return found.group(0)


def test_sign_in_with_errors_says_error_first_in_its_title(client: FlaskClient) -> None:
    blank = _title(client.get("/dashboard/login").text)
    failed = log_in(client, "", "")
    assert failed.status_code == 200
    assert "role=" not in _summary_tag(failed.text)
    assert _title(failed.text) == ERROR + blank
    assert not blank.startswith(ERROR)


def test_password_reset_forms_with_errors_say_error_first_in_their_titles(
    client: FlaskClient,
) -> None:
    blank = _title(client.get("/dashboard/reset").text)
    token = page_token(client, "/dashboard/reset")
    failed = client.post("/dashboard/reset", data={"email": "", "csrf_token": token})
    _summary_tag(failed.text)
    assert _title(failed.text) == ERROR + blank


def test_the_import_page_says_error_first_and_its_summary_is_not_an_alert(app: Flask) -> None:
    client = signed_in(app, "importer@example.org")
    blank = _title(client.get("/dashboard/campaigns/import").text)
    bad = {
        "campaign_file": (io.BytesIO(b"---\nslug: [\n---\nHello"), "bad.md"),
        "csrf_token": client.token,
    }
    failed = client.post("/dashboard/campaigns/import", data=bad)
    assert failed.status_code == 422
    assert "role=" not in _summary_tag(failed.text)
    assert _title(failed.text) == ERROR + blank
    empty = client.post("/dashboard/campaigns/import", data={"csrf_token": client.token})
    assert _title(empty.text) == ERROR + blank


def test_the_editor_summary_is_focused_not_also_an_alert(app: Flask) -> None:
    client = signed_in(app, "editor@example.org")
    failed = client.post("/dashboard/campaigns/new", data={"csrf_token": client.token})
    assert failed.status_code == 422, failed.status_code
    tag = _summary_tag(failed.text)
    assert 'tabindex="-1"' in tag and "role=" not in tag
    assert f'{tag}\n  <div role="alert">' in failed.text  # its contents are the alert
    assert _title(failed.text).startswith(ERROR)
