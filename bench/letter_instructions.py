"""Instructions per widget letter, counted by valgrind: a CPU figure a busy machine cannot blur.

Run: .venv/bin/python -m bench.letter_instructions [--letters 100] [--warm 30]
The same letters as bench.profile_letter (the widget form GET and send POST in-process, SQLite,
default limits and risk checks), in a child process under callgrind with counting switched off
while the app starts and warms up, on for --letters letters, and off again before it exits.
Prints the user-space instructions per letter, the whole process's (checkpoint thread included).
Milliseconds on these shared machines drift by a third between minutes; an instruction count
repeats within a fraction of a percent, so it can tell a 1% change from noise. It does not count
time in the kernel (getrusage puts that at about 0.6 ms a letter) or waiting on memory.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.profile_letter import _letter
from bench.support import letter_app

# Runs of the same code give the same count only when dict and set order repeats.
_ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def _child(letters: int, warm: int) -> None:
    """Warm up, then run the counted letters between two lines from the parent."""
    with letter_app("sqlite") as app:
        client = app.test_client()
        for n in range(warm):
            _letter(client, n)
        print("ready", flush=True)
        sys.stdin.readline()
        for n in range(warm, warm + letters):
            _letter(client, n)
        print("done", flush=True)
        sys.stdin.readline()


def _switch(pid: int, on: bool) -> None:
    subprocess.run(
        ["callgrind_control", "--instr=on" if on else "--instr=off", str(pid)],
        check=True,
        capture_output=True,
    )


def _step(child: subprocess.Popen[str], expect: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != expect:
        child.kill()
        sys.exit(f"the counted child said {line!r}, not {expect!r}")


def count(letters: int, warm: int) -> int:
    """User-space instructions the child ran for `letters` letters."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        child = subprocess.Popen(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "bench.letter_instructions",
                "--child",
                "--letters",
                str(letters),
                "--warm",
                str(warm),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=_ENV,
        )
        assert child.stdin is not None
        _step(child, "ready")
        _switch(child.pid, on=True)
        child.stdin.write("go\n")
        child.stdin.flush()
        _step(child, "done")
        _switch(child.pid, on=False)
        child.stdin.write("stop\n")
        child.stdin.flush()
        if child.wait(timeout=600) != 0:
            sys.exit(f"the counted child exited with {child.returncode}")
        totals = re.findall(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
        return max(int(total) for total in totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=100)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.letters < 1:
        parser.error("--letters must be 1 or more")
    if args.child:
        _child(args.letters, args.warm)
        return
    instructions = count(args.letters, args.warm)
    print(
        f"{instructions / args.letters / 1e6:.2f} million instructions per letter "
        f"(GET + POST) on sqlite, {args.letters} letters after {args.warm} warm"
    )


if __name__ == "__main__":
    main()
