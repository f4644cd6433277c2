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
import time

import psycopg
from sqlalchemy.engine import make_url

from bench.decay import server_cpu
from bench.profile_letter import _letter
from bench.support import letter_app

STATS = "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
TOP = """
SELECT calls, total_exec_time, total_plan_time, rows, regexp_replace(query, '\\s+', ' ', 'g')
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = %(database)s)
  AND query NOT LIKE '%%pg_stat_statements%%'
ORDER BY total_exec_time + total_plan_time DESC
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    with letter_app("postgresql", STATS) as app:
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        dsn = f"host={url.host} port={url.port} user={url.username} dbname={url.database}"
        client = app.test_client()
        for n in range(50):  # warm caches and pools
            _letter(client, n)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            conn.execute("SELECT pg_stat_statements_reset()")
        cpu, server = time.process_time(), server_cpu(app)
        for n in range(50, 50 + args.letters):
            _letter(client, n)
        app_ms = (time.process_time() - cpu) * 1000 / args.letters
        server_ms = (server_cpu(app) - server) * 1000 / args.letters
        with psycopg.connect(dsn, autocommit=True) as conn:
            rows = conn.execute(TOP, {"database": url.database}).fetchall()
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
