"""How many SQL statements one letter costs: the widget form GET and send POST, counted by kind.

Run: .venv/bin/python -m bench.letter_statements [--letters 20] [--show]
The same letters as bench.profile_letter (SQLite, each from its own client address); `--show`
prints one letter's statements in order. Also the bytes the process wrote per letter (Linux's
count of its write calls): SQLite's log, the database file at checkpoints, the rate-limit store.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from bench.profile_letter import SLUG, _letter
from bench.support import letter_app
from webapp.database import db


def _kind(statement: str) -> str:
    """The statement's verb and table, e.g. "INSERT INTO delivery"."""
    words = statement.split()
    if words[0].upper() == "SELECT":
        after = words.index("FROM") + 1 if "FROM" in words else len(words) - 1
        return f"SELECT … FROM {words[after]}"
    return " ".join(words[:3])


def _recorder(seen: list[str]) -> Callable[..., None]:
    def record(*args: Any) -> None:
        seen.append(args[2])  # before_cursor_execute(conn, cursor, statement, ...)

    return record


def _begun(seen: list[str]) -> Callable[..., None]:
    def record(_connection: Any) -> None:
        # SQLite's BEGIN (plain or IMMEDIATE) is the dialect's do_begin (webapp/database.py),
        # which the cursor events do not see.
        seen.append("BEGIN")

    return record


def _written() -> int:
    """Bytes this process has passed to write calls so far."""
    with open("/proc/self/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("wchar:"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=20)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    with letter_app() as app:
        with app.app_context():
            engine = db.engine
        client = app.test_client()
        for n in range(30):  # warm caches and pools
            _letter(client, n)
        seen: list[str] = []
        count, begin = _recorder(seen), _begun(seen)
        event.listen(engine, "before_cursor_execute", count)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "begin", begin)
        written = _written()
        for n in range(1000, 1000 + args.letters):
            _letter(client, n)
        written = _written() - written
        event.remove(engine, "before_cursor_execute", count)
        if engine.dialect.name == "sqlite":
            event.remove(engine, "begin", begin)
        print(f"{len(seen) / args.letters:.1f} SQL statements per letter (GET + POST, {SLUG})")
        print(f"{written / args.letters / 1024:.1f} KiB written per letter (logs, database files)")
        for kind, times in Counter(_kind(s) for s in seen).most_common():
            print(f"{times / args.letters:6.2f}  {kind}")
        if args.show:
            for statement in seen[: len(seen) // args.letters]:
                print("--", " ".join(statement.split())[:160])


if __name__ == "__main__":
    main()
