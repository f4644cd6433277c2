"""`make bench`: run every benchmark in turn and print its numbers (see each module's docstring)."""

from __future__ import annotations

import subprocess
import sys

BENCHES = (
    ["bench.civic_lookup"],
    ["bench.widget_size"],
    ["bench.dashboard"],
    ["bench.channel_map"],
    ["bench.export_speed"],
    ["bench.load"],
    ["bench.store_outage"],
    ["bench.profile_letter"],
    ["bench.letter_instructions"],
    # The same count for a letter through a browser's preview (three requests): about a minute.
    ["bench.letter_instructions", "--preview"],
    ["bench.threads_cpu"],
    ["bench.letter_blocks"],
    ["bench.gc_pauses"],
    ["bench.decay"],
    ["bench.letter_statements"],
    ["bench.wal_pages"],
    ["bench.pg_statements"],
    ["bench.packet_pdf"],
    ["bench.sealing"],
    ["bench.outbox_send"],
)


def main() -> None:
    selected = sys.argv[1:]
    for command in BENCHES:
        if selected and command[0].split(".")[-1] not in selected:
            continue
        print(f"== {' '.join(command)}", flush=True)
        subprocess.run([sys.executable, "-m", *command], check=True)


if __name__ == "__main__":
    main()
