"""What one letter writes to SQLite: the pages its commit puts in the WAL, by table and index.

Run: .venv/bin/python -m bench.wal_pages [--warm 300] [--letters 20] [--top 15]
The same letters as bench.profile_letter (the widget form GET and send POST in-process, default
limits and risk checks). After --warm letters the WAL is checkpointed and truncated, then
--letters more letters are sent and the frames in the WAL are read back: each frame is one page
a commit wrote (to the log now, and to the database file at the next checkpoint), so the count
is the write amplification a letter costs on a real disk, whatever the machine's speed. Pages
are named by SQLite's dbstat as they stood before the measured letters ("new page": a page the
database grew by; "free page reused": one from its free list). The rate-limit file's pages are
counted the same way (its expired counters are swept every 2,000 hits: not within the default
run). The app's own checkpoints are held off meanwhile, and --letters is kept below the
automatic checkpoints', so no frame is overwritten before it is read.
"""

from __future__ import annotations

import argparse
import sqlite3
import struct
from collections import Counter
from pathlib import Path

import webapp.database
from bench.profile_letter import _letter
from bench.support import letter_app
from webapp.antiabuse.limit_store import sqlite_path
from webapp.database import db
from webapp.wal_checkpoints import checkpointer

# SQLite's own checkpoint at WAL_SAFETY_PAGES (about 136 letters) or the rate-limit file's at
# 1,000 pages (about 120) would restart a log before it is read.
MOST_LETTERS = 100
_WAL_HEADER = 32
_FRAME_HEADER = 24


def wal_frames(wal: Path) -> list[tuple[int, bool]]:
    """(page number, whether it ends a commit) for each frame of the WAL's current run, in order:
    frames left from before a restart of the log (other salts) are not counted."""
    data = wal.read_bytes() if wal.exists() else b""
    if len(data) < _WAL_HEADER:
        return []
    page_size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    frames = []
    step = _FRAME_HEADER + page_size
    for offset in range(_WAL_HEADER, len(data) - step + 1, step):
        if data[offset + 8 : offset + 16] != salts:
            break
        page, size_after_commit = struct.unpack(">II", data[offset : offset + 8])
        frames.append((page, size_after_commit != 0))
    return frames


def _truncate(path: Path) -> tuple[dict[int, str], int]:
    """Checkpoint and empty the WAL of the database at `path`: its pages' b-tree names (empty
    without dbstat) and how many pages the file has."""
    connection = sqlite3.connect(path)
    try:
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert not busy, f"{path}: a reader kept the checkpoint from finishing"
        pages = int(connection.execute("PRAGMA page_count").fetchone()[0])
        try:
            rows = connection.execute("SELECT name, pageno FROM dbstat").fetchall()
        except sqlite3.OperationalError:
            print("(this SQLite has no dbstat: pages are counted, not named)")
            rows = []
        return {page: name for name, page in rows}, pages
    finally:
        connection.close()


def _name(page: int, names: dict[int, str], pages: int) -> str:
    if page in names:
        return names[page]
    return "new page" if page > pages else "free page reused"


def _letters(text: str) -> int:
    count = int(text)
    if not 1 <= count <= MOST_LETTERS:
        raise argparse.ArgumentTypeError(f"from 1 to {MOST_LETTERS}")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", type=int, default=300)
    parser.add_argument("--letters", type=_letters, default=20)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    # Far beyond the run: a checkpoint that ended would let the next commit restart the WAL.
    webapp.database.CHECKPOINT_EVERY_TURNS = 10**9
    with letter_app("sqlite") as app:
        client = app.test_client()
        for n in range(args.warm):
            _letter(client, n)
        with app.app_context():
            database = Path(str(db.engine.url.database))
            db.session.remove()
            db.engine.dispose()  # no connection of the app's holds the WAL back
        checkpointer.wait_idle()
        limits = sqlite_path(app.config["RATELIMIT_STORAGE_URI"])
        names, pages = _truncate(database)
        _truncate(limits)
        for n in range(1_000_000, 1_000_000 + args.letters):
            _letter(client, n)
        frames = wal_frames(database.with_name(database.name + "-wal"))
        limit_frames = wal_frames(limits.with_name(limits.name + "-wal"))
    per = args.letters
    commits = sum(1 for _page, ends in frames if ends)
    print(
        f"{len(frames) / per:.1f} pages a letter written to the database's WAL "
        f"({commits / per:.2f} commits a letter), {len(limit_frames) / per:.1f} to the "
        f"rate-limit file's; {args.letters} letters after {args.warm}"
    )
    by_btree = Counter(_name(page, names, pages) for page, _ends in frames)
    for name, count in by_btree.most_common(args.top):
        print(f"{count / per:7.2f}  {name}")


if __name__ == "__main__":
    main()
