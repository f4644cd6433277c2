"""Where PostgreSQL's time goes for one letter: the server's CPU and each statement's share.

Run: .venv/bin/python -m bench.pg_statements [--letters 500] [--top 15]
The same letters as bench.profile_letter (widget form GET and send POST, in-process, default
limits and risk checks) on a throwaway PostgreSQL cluster with pg_stat_statements loaded. Prints
the app's and the server processes' CPU milliseconds per letter, then the statements by the
server's execution and planning time per letter. The server's CPU beyond its statements' time
is the protocol, parsing, transaction and WAL work that each round trip costs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import psycopg

from bench.decay import _server_cpu
from bench.profile_letter import _letter
from bench.support import _app, load_civic_data
from tests.pg import PostgresCluster
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.database import db

STATS = "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
TOP = """
SELECT calls, total_exec_time, total_plan_time, rows, regexp_replace(query, '\\s+', ' ', 'g')
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'bench')
  AND query NOT LIKE '%pg_stat_statements%'
ORDER BY total_exec_time + total_plan_time DESC
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    cluster = PostgresCluster(settings=STATS).start()
    try:
        url = cluster.create_database("bench")
        dsn = f"host=127.0.0.1 port={cluster.port} user=app dbname=bench"
        with tempfile.TemporaryDirectory(prefix="civic-bench-") as folder:
            app = _app(url, Path(folder), {"RISK_MIN_FORM_SECONDS": 0, "LOG_LEVEL": "WARNING"})
            load_civic_data(app)
            with app.app_context():
                import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE)
            client = app.test_client()
            for n in range(50):  # warm caches and pools
                _letter(client, n)
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                conn.execute("SELECT pg_stat_statements_reset()")
            cpu, server = time.process_time(), _server_cpu(app)
            for n in range(50, 50 + args.letters):
                _letter(client, n)
            app_ms = (time.process_time() - cpu) * 1000 / args.letters
            server_ms = (_server_cpu(app) - server) * 1000 / args.letters
            with psycopg.connect(dsn, autocommit=True) as conn:
                rows = conn.execute(TOP).fetchall()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        cluster.stop()
    per = args.letters
    statements_ms = sum(r[1] + r[2] for r in rows) / per
    print(
        f"CPU per letter: app {app_ms:.2f} ms, PostgreSQL server {server_ms:.2f} ms, of which "
        f"{statements_ms:.2f} ms executing and planning {sum(r[0] for r in rows) / per:.1f} "
        f"statements ({args.letters} letters, GET + POST)"
    )
    print(" calls  exec ms  plan ms  rows  statement (per letter)")
    for calls, executing, planning, returned, query in rows[: args.top]:
        print(
            f"{calls / per:6.2f} {executing / per:8.3f} {planning / per:8.3f} "
            f"{returned / calls if calls else 0:5.1f}  {query[:110]}"
        )


if __name__ == "__main__":
    main()
