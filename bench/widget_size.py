"""Widget weight: embed.js gzipped (goal <= 3 KB) and the widget's first load (<= 30 KB).

Run: .venv/bin/python -m bench.widget_size
First load = the widget page's HTML plus every stylesheet and script it loads, as transferred
to a browser that accepts gzip (the app gzips pages; static files go as they are); the size
without compression is shown too. English and Arabic.
"""

from __future__ import annotations

import gzip
import re

from bench.support import bench_apps
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.database import db

EMBED_LIMIT = 3 * 1024
FIRST_LOAD_LIMIT = 30 * 1024
ASSET_RE = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"')
GZIP = {"Accept-Encoding": "gzip"}


def main() -> None:
    with bench_apps(["sqlite"]) as apps:
        for _backend, app in apps:
            with app.app_context():
                slug = import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE).slug
            client = app.test_client()
            embed = client.get("/embed.js").data
            embed_gz = len(gzip.compress(embed, 9))
            rows = []
            for mode in ("letter", "signup", "counter"):
                url = (
                    f"/widget/{slug}?mode={mode}&partner=x&wid=w1"
                    "&parent=https://partner.example.org"
                )
                for lang in ("en", "ar"):
                    headers = {**GZIP, "Accept-Language": lang}
                    page = client.get(url, headers=headers)
                    assert page.status_code == 200, page.status_code
                    assert "Set-Cookie" not in page.headers, "the widget must not set cookies"
                    plain = client.get(url, headers={"Accept-Language": lang}).data
                    paths = ASSET_RE.findall(plain.decode())
                    sent = len(page.data) + sum(
                        len(client.get(p, headers=GZIP).data) for p in paths
                    )
                    raw = len(plain) + sum(len(client.get(p).data) for p in paths)
                    rows.append((f"{mode} ({lang})", sent, raw, sorted(paths)))
            print(
                f"embed.js: {len(embed)} bytes, {embed_gz} bytes gzipped "
                f"(limit {EMBED_LIMIT}: {'OK' if embed_gz <= EMBED_LIMIT else 'OVER'})"
            )
            for mode, sent, raw, assets in rows:
                verdict = "OK" if sent <= FIRST_LOAD_LIMIT else "OVER"
                print(
                    f"widget {mode:14} first load {sent:6} bytes transferred gzipped "
                    f"({raw} uncompressed), limit {FIRST_LOAD_LIMIT}: {verdict}; "
                    f"assets {', '.join(assets)}"
                )
            assert embed_gz <= EMBED_LIMIT
            assert all(sent <= FIRST_LOAD_LIMIT for _m, sent, _r, _a in rows)


if __name__ == "__main__":
    main()
