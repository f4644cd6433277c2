"""Issue 6 benchmark: embed.js gzipped size (goal <= 3 KB) and the widget's first load (<= 30 KB).

Run: .venv/bin/python -m bench.widget_size
First load = the widget page's HTML plus every stylesheet and script it loads, as transferred
(the app serves them uncompressed, so transferred = raw bytes; gzipped sizes are shown too).
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
                page = client.get(
                    f"/widget/{slug}?mode={mode}&partner=x&wid=w1"
                    "&parent=https://partner.example.org"
                )
                assert page.status_code == 200, page.status_code
                assert "Set-Cookie" not in page.headers, "the widget must not set cookies"
                html = page.data
                assets = {path: client.get(path).data for path in ASSET_RE.findall(html.decode())}
                raw = len(html) + sum(len(a) for a in assets.values())
                gz = len(gzip.compress(html, 9)) + sum(
                    len(gzip.compress(a, 9)) for a in assets.values()
                )
                rows.append((mode, raw, gz, sorted(assets)))
            print(
                f"embed.js: {len(embed)} bytes, {embed_gz} bytes gzipped "
                f"(limit {EMBED_LIMIT}: {'OK' if embed_gz <= EMBED_LIMIT else 'OVER'})"
            )
            for mode, raw, gz, assets in rows:
                verdict = "OK" if raw <= FIRST_LOAD_LIMIT else "OVER"
                print(
                    f"widget {mode:8} first load {raw:6} bytes transferred ({gz} gzipped), "
                    f"limit {FIRST_LOAD_LIMIT}: {verdict}; assets {', '.join(assets)}"
                )
            assert embed_gz <= EMBED_LIMIT
            assert all(raw <= FIRST_LOAD_LIMIT for _m, raw, _g, _a in rows)


if __name__ == "__main__":
    main()
