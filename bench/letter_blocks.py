"""One letter's CPU time by block, measured with a thin timer around each coarse block.

Run: .venv/bin/python -m bench.letter_blocks [--letters 1000]
SQLite, in-process, the same letter as bench.profile_letter (widget form GET, then the send
POST), default limits and risk checks. Prints the CPU per letter without timers and with them
(batches of each alternate), then each block's CPU per letter (inclusive, indented under the
block it runs in), its share and how often it ran; last, the database driver's own time for
each kind of statement (from the engine's cursor events, so executing only: not COMMIT, the
WAL checkpoint or fetching rows).

Why not a profiler: at function level they overstate small, frequent functions. cProfile put
building an itsdangerous serializer at 1.4% of a letter and py-spy put `Session.connection()`
at 1.9%; timed alone they cost 2 to 4 microseconds and 1 microsecond (about 0.3% and 0.13%
for the five and seven calls a letter). The timers (two clock reads and a wrapper call per
block, about 35 blocks a letter, and the cursor events) cost 2 to 3%.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from functools import wraps
from typing import Any
from unittest import mock

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

import webapp.services.letters as letters
import webapp.services.submissions as submissions
import webapp.supporter.flow as flow
import webapp.wal_checkpoints as wal_checkpoints
import webapp.widget.views as widget_views
from bench.profile_letter import _letter
from bench.support import letter_app
from webapp.antiabuse.rate_limits import Counters
from webapp.database import db
from webapp.supporter.forms import LetterForm

# (depth, label, owner, attribute): each block is timed where its caller looks it up; a row
# without an owner is a part of the write transaction.
Block = tuple[int, str, Any, str]
BEGIN = "writer's turn taken, BEGIN IMMEDIATE"
BODY = "its statements"
END = "COMMIT, turn handed on"
CHECKPOINTS = "WAL checkpoints (every few writer turns, on their own thread)"


def _blocks(app: Flask) -> list[Block]:
    return [
        (0, "Flask's WSGI app, both requests (the rest: test client, bench)", app, "wsgi_app"),
        (1, "before-request hooks (body, language, CSRF)", app, "preprocess_request"),
        (1, "after-request hooks (security headers, gzip)", app, "process_response"),
        (1, "GET: the widget's letter form", app.view_functions, "widget.widget"),
        (
            1,
            "POST: the send, from its route's rate limit to the thank-you page",
            app.view_functions,
            "widget.widget_post",
        ),
        # Each app's counters are a frozen instance: the class's method is patched.
        (2, "the route's rate limits (address and sender: three counters)", Counters, "spend"),
        (2, "form token checked", widget_views, "check_token"),
        (2, "letter form built", widget_views, "letter_form"),
        (2, "form validated", LetterForm, "validate"),
        (2, "the flow's step", widget_views, "handle_letter"),
        (3, "draft from the form", flow, "letter_draft"),
        (3, "request facts (address hashes, timing)", flow, "request_facts"),
        (3, "send_letter", flow, "send_letter"),
        (4, "recipients planned (ZIP table)", letters, "plan_letter"),
        (4, "letters composed, channels chosen", letters, "_planned"),
        (4, "risk assessed", letters, "assess"),
        (4, "letter recorded", letters, "record_submission"),
        (5, "repeat check and supporter lookup", submissions, "find_writer"),
        (5, "supporter's key and sealed fields", submissions, "supporter_row"),
        (5, "shared texts looked up, own texts sealed", submissions, "plan_texts"),
        (5, "letter, deliveries, notification sealed", submissions, "sealed_row"),
        (5, "write transaction", submissions, "write_transaction"),
        (6, BEGIN, None, ""),
        (6, BODY, None, ""),
        (7, "supporter written", submissions, "write_supporter"),
        (7, "texts written", submissions, "write_texts"),
        (7, "letter row written", submissions, "insert_one"),
        (7, "deliveries, notification, bands, consents written", submissions, "insert_many"),
        (6, END, None, ""),
        (2, "thank-you page", widget_views, "thanks_page"),
        (0, CHECKPOINTS, wal_checkpoints, "checkpoint_now"),
    ]


class Timers:
    """CPU nanoseconds and calls per label, from timers wrapped around functions, and the
    database driver's own time per kind of statement, from the engine's cursor events."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.driver: Counter[str] = Counter()
        self.statements: Counter[str] = Counter()
        self._started: dict[int, int] = {}

    def before_cursor(self, *args: Any) -> None:
        self._started[id(args[1])] = time.thread_time_ns()

    def after_cursor(self, *args: Any) -> None:
        kind = " ".join(str(args[2]).split()[:3])  # "INSERT INTO submission", "BEGIN IMMEDIATE"
        self.driver[kind] += time.thread_time_ns() - self._started.pop(id(args[1]))
        self.statements[kind] += 1

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time_ns()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[label] += time.thread_time_ns() - started
                self.calls[label] += 1

        return timed

    def transaction(
        self, label: str, real: Callable[..., AbstractContextManager[Any]]
    ) -> Callable[..., AbstractContextManager[Any]]:
        """The write transaction in three parts: entering it, its body, leaving it."""

        @contextmanager
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            started = time.thread_time_ns()
            with real(*args, **kwargs) as session:
                entered = time.thread_time_ns()
                self.spent[BEGIN] += entered - started
                yield session
                finished = time.thread_time_ns()
                self.spent[BODY] += finished - entered
            self.spent[END] += time.thread_time_ns() - finished
            self.calls[label] += 1
            self.spent[label] += time.thread_time_ns() - started

        return timed


def _cpu_per_letter(client: FlaskClient, first: int, count: int) -> float:
    # The whole process's: the WAL checkpoints the letters ask for run on a thread of their own.
    started = time.process_time_ns()
    for n in range(first, first + count):
        _letter(client, n)
    return (time.process_time_ns() - started) / count / 1e6


def _patched(stack: ExitStack, timers: Timers, blocks: list[Block], engine: Engine) -> None:
    event.listen(engine, "before_cursor_execute", timers.before_cursor)
    event.listen(engine, "after_cursor_execute", timers.after_cursor)
    stack.callback(event.remove, engine, "before_cursor_execute", timers.before_cursor)
    stack.callback(event.remove, engine, "after_cursor_execute", timers.after_cursor)
    for _depth, label, owner, attribute in blocks:
        if owner is None:
            continue
        if isinstance(owner, list):
            index = next(i for i, hook in enumerate(owner) if hook.__name__ == attribute)
            real_hook = owner[index]
            owner[index] = timers.wrap(label, real_hook)
            stack.callback(owner.__setitem__, index, real_hook)
            continue
        if isinstance(owner, dict):
            stack.enter_context(
                mock.patch.dict(owner, {attribute: timers.wrap(label, owner[attribute])})
            )
            continue
        real = getattr(owner, attribute)
        if attribute == "write_transaction":
            stack.enter_context(
                mock.patch.object(owner, attribute, timers.transaction(label, real))
            )
        else:
            stack.enter_context(mock.patch.object(owner, attribute, timers.wrap(label, real)))


def report(letters_count: int, rounds: int = 4) -> list[str]:
    """The report's lines; timed and untimed batches alternate, as this machine's speed drifts."""
    lines = []
    batch = max(1, letters_count // rounds)
    with letter_app() as app:
        client = app.test_client()
        for n in range(100):  # warm caches and pools
            _letter(client, n)
        timers = Timers()
        blocks = _blocks(app)
        with app.app_context():
            engine = db.engine
        bare, timed = [], []
        for round_ in range(rounds):
            bare.append(_cpu_per_letter(client, 1_000 + round_ * batch, batch))
            with ExitStack() as stack:
                _patched(stack, timers, blocks, engine)
                timed.append(_cpu_per_letter(client, 1_000_000 + round_ * batch, batch))
        count = batch * rounds
        total = sum(timed) / rounds
        lines.append(f"{statistics.median(bare):.3f} ms of CPU per letter without timers (median)")
        lines.append(
            f"{statistics.median(timed):.3f} ms with timers (median); the shares below are of "
            f"all {count} timed letters ({total:.3f} ms a letter)"
        )
        for depth, label, _owner, _attribute in blocks:
            spent = timers.spent[label] / count / 1e6
            calls = timers.calls[label] / count
            runs = f"{calls:5.2f}/letter" if timers.calls[label] else " " * 12
            lines.append(f"{spent:7.3f} ms {spent / total:6.1%} {runs} {'  ' * depth}{label}")
        driver = sum(timers.driver.values()) / count / 1e6
        lines.append(
            f"{driver:7.3f} ms {driver / total:6.1%} the database driver executing the statements "
            "(cursor events; COMMIT not included), by kind:"
        )
        for kind, spent_ns in timers.driver.most_common():
            spent = spent_ns / count / 1e6
            per_letter = timers.statements[kind] / count
            lines.append(f"{spent:7.3f} ms {spent / total:6.1%} {per_letter:5.2f}/letter   {kind}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=1000)
    args = parser.parse_args()
    for line in report(args.letters):
        print(line, flush=True)


if __name__ == "__main__":
    main()
