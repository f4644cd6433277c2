"""Instructions per widget letter, counted by valgrind: a CPU figure that drift hardly moves.

Run: .venv/bin/python -m bench.letter_instructions [--letters 100] [--warm 30] [--backend B]
    [--words N] [--preview] [--stored N]
The same letters as bench.profile_letter (the widget form GET and send POST in-process, SQLite
unless told, default limits and risk checks), in a child process under callgrind with counting
switched off while the app starts and warms up, on for --letters letters, and off again before
it exits. --words N: each letter carries a paragraph of N words of its own (as
bench.profile_letter's 150-word pass; cut at the form's 5,000-character limit) instead of the
seven-word one. --preview: each letter, warm-up included, also takes the preview POST a browser
takes between the two (the form's only button is "Preview my letter"), its token sent; the count
is then of the three requests a letter (the default, two, stays the issue's yardstick).
--stored N: the database holds N letters (bench.generate, as bench.decay's full app) before the
warm-up, so a pair run side by side (--stored 0 and --stored 50000) tells what fuller tables
cost a letter in instructions, where bench.decay's milliseconds drift with the machine.
Prints the user-space instructions per letter, the whole process's (checkpoint thread included).
After the warm-up the heap is frozen, as each gunicorn worker's is. Unfrozen, a full collection
walked all the app's objects whenever one fell among the counted letters, a pass no served
worker makes: about 2.5 million instructions a letter spread over 40 letters, in some runs and
not others (three runs of 79bac13 through the preview: 38.0, 37.6 and 39.9 million a letter).
Milliseconds on these shared machines drift by a third between minutes. Frozen, two runs of one
tree side by side agreed within 0.13%, but counts rise with the machine's load (threads and
waits go on longer: 4% between a quiet pair and one beside a test run), so compare only counts
taken side by side. It does not count time in the kernel (getrusage puts that at about 0.6 ms
a letter) or waiting on memory. On PostgreSQL it counts the app's side only: the server's
processes run outside valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.decay import app_with_letters
from bench.profile_letter import MESSAGE, _letter, campaign_words, own_words
from bench.support import letter_app
from webapp.supporter.forms import PERSONAL_MESSAGE_LIMIT
from webapp.warmup import freeze_heap

# Runs of the same code give the same count only when dict and set order repeats.
_ENV = {**os.environ, "PYTHONHASHSEED": "0"}
# Under valgrind the app starts in about a minute and a letter takes about a second.
_STEP_SECONDS = 900


def _child(
    letters: int, warm: int, backend: str, words: int, preview: bool = False, stored: int = 0
) -> None:
    """Warm up, then run the counted letters between two lines from the parent."""
    with ExitStack() as stack:
        app = (
            app_with_letters(stack, backend, stored)
            if stored
            else stack.enter_context(letter_app(backend))
        )
        client = app.test_client()
        pool = campaign_words(app) if words else []
        messages = [
            own_words(n, pool, words)[:PERSONAL_MESSAGE_LIMIT] if words else MESSAGE
            for n in range(warm + letters)
        ]
        for n in range(warm):
            _letter(client, n, message=messages[n], preview=preview)
        freeze_heap()  # as each gunicorn worker does before it accepts (gunicorn.conf.py)
        print("ready", flush=True)
        if not sys.stdin.readline():
            return  # the parent is gone: nobody would read the count
        for n in range(warm, warm + letters):
            _letter(client, n, message=messages[n], preview=preview)
        print("done", flush=True)
        sys.stdin.readline()


def _vgdb(pid: int, *command: str) -> str:
    done = subprocess.run(
        ["vgdb", f"--pid={pid}", *command], capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        sys.exit(f"vgdb {' '.join(command)}: {done.stderr.strip()[-500:]}")
    return done.stdout


def _switch(pid: int, state: str) -> None:
    """Counting on or off, checked: callgrind_control exits 0 even when it reached nothing."""
    _vgdb(pid, "instrumentation", state)
    if f"instrumentation: {state}" not in _vgdb(pid, "instrumentation"):
        sys.exit(f"callgrind did not switch counting {state}")


def _step(child: subprocess.Popen[str], expect: str, errors: Path) -> None:
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], _STEP_SECONDS)
    line = child.stdout.readline().strip() if ready else "(nothing in time)"
    if line != expect:
        tail = errors.read_text(errors="replace")[-2000:]
        sys.exit(f"the counted child said {line!r}, not {expect!r}\n{tail}")


def _say(child: subprocess.Popen[str], line: str) -> None:
    assert child.stdin is not None
    child.stdin.write(line + "\n")
    child.stdin.flush()


def child_command(
    letters: int, warm: int, backend: str, words: int, preview: bool = False, stored: int = 0
) -> list[str]:
    """The child's command line, run under valgrind by count()."""
    options = ["--letters", str(letters), "--warm", str(warm), "--backend", backend]
    options += ["--words", str(words), *(["--preview"] if preview else [])]
    options += ["--stored", str(stored)]
    return [sys.executable, "-m", "bench.letter_instructions", "--child", *options]


def count(
    letters: int,
    warm: int,
    backend: str = "sqlite",
    words: int = 0,
    preview: bool = False,
    stored: int = 0,
) -> int:
    """User-space instructions the child ran for `letters` letters."""
    with tempfile.TemporaryDirectory() as folder:
        out, errors = Path(folder) / "callgrind.out", Path(folder) / "stderr.txt"
        with errors.open("w") as stderr:
            child = subprocess.Popen(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out}",
                    *child_command(letters, warm, backend, words, preview, stored),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env=_ENV,
            )
        try:
            _step(child, "ready", errors)
            _switch(child.pid, "on")
            _say(child, "go")
            _step(child, "done", errors)
            _switch(child.pid, "off")
            _say(child, "stop")
            if child.wait(timeout=_STEP_SECONDS) != 0:
                sys.exit(f"the counted child exited with {child.returncode}")
        finally:
            child.kill()  # a no-op once it has exited; never left running the letters alone
            child.wait()
        # "totals:" is the sum of the cost lines, written at exit. The header's "summary:" is
        # the running cost, which switching counting off sets back to zero.
        found = re.search(r"^totals: (\d+)$", out.read_text(), re.MULTILINE)
        if found is None or int(found.group(1)) == 0:
            sys.exit("callgrind counted no instructions")
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=100)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--words", type=int, default=0, help="an own paragraph of N words")
    parser.add_argument(
        "--preview",
        action="store_true",
        help="each letter also takes a browser's preview POST (3 requests a letter, not 2)",
    )
    parser.add_argument(
        "--stored",
        type=int,
        default=0,
        help="letters already in the database (bench.generate) before the warm-up",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.letters < 1:
        parser.error("--letters must be 1 or more")
    if args.words < 0:
        parser.error("--words must be 0 (the seven-word paragraph) or more")
    if args.child:
        _child(args.letters, args.warm, args.backend, args.words, args.preview, args.stored)
        return
    instructions = count(
        args.letters, args.warm, args.backend, args.words, args.preview, args.stored
    )
    requests = "GET, preview POST, send POST" if args.preview else "GET + POST"
    paragraph = (
        f"a paragraph of {args.words} words (cut at {PERSONAL_MESSAGE_LIMIT:,} characters)"
        if args.words
        else "the seven-word paragraph"
    )
    print(
        f"{instructions / args.letters / 1e6:.2f} million instructions per letter "
        f"({requests}) with {paragraph} on {args.backend}, {args.letters} letters after "
        f"{args.warm} warm, {args.stored:,} letters stored before"
    )


if __name__ == "__main__":
    main()
