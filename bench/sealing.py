"""What sealing personal fields costs per letter: crypto alone, and recording and reading one.

Run: .venv/bin/python -m bench.sealing [--letters 2000]
A letter seals 6 supporter fields, 9 on its submission and a salutation per office under a new
data key (wrapped by the master key); reading it back unwraps the key and opens them again.
"""

from __future__ import annotations

import argparse
import time

from bench.support import bench_apps
from webapp.database import db
from webapp.sealing import keyring, new_cipher, open_cipher, seal, unseal

FIELDS = {
    "supporter.email": "rasha.haddad@example.org",
    "supporter.first_name": "Rasha",
    "supporter.last_name": "Haddad",
    "supporter.street": "100 Main St",
    "supporter.city": "Dearborn",
    "supporter.zip_code": "48126",
    "submission.subject": "Five steps for Syria",
    "submission.personal_message": "My family is from Aleppo. " * 20,
    "submission.closing": "Sincerely,",
    "submission.prefix": "Ms.",
    "submission.first_name": "Rasha",
    "submission.last_name": "Haddad",
    "submission.street": "100 Main St",
    "submission.city": "Dearborn",
    "submission.zip_code": "48126",
    "delivery.salutation": "Dear Senator Peters,",
    "delivery.salutation ": "Dear Senator Slotkin,",
}


def _per_letter_us(letters: int) -> tuple[float, float, float]:
    """(microseconds to seal, to open, to find by email hash) one letter's fields."""
    sealed = []
    start = time.perf_counter()
    for _ in range(letters):
        cipher, wrapped = new_cipher()
        sealed.append(
            (
                wrapped,
                [
                    (f.strip().encode(), seal(cipher, v, f.strip().encode()))
                    for f, v in FIELDS.items()
                ],
            )
        )
    sealing = (time.perf_counter() - start) / letters * 1e6
    start = time.perf_counter()
    for wrapped, blobs in sealed:
        cipher = open_cipher(wrapped)
        for field, blob in blobs:
            unseal(cipher, blob, field)
    opening = (time.perf_counter() - start) / letters * 1e6
    start = time.perf_counter()
    for n in range(letters):
        keyring().email_keys(f"p{n}@example.org")
    hashing = (time.perf_counter() - start) / letters * 1e6
    return sealing, opening, hashing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=2000)
    args = parser.parse_args()
    with bench_apps(["sqlite"]) as apps:
        for _backend, app in apps:
            with app.app_context():
                _per_letter_us(100)  # warm up
                sealing, opening, hashing = _per_letter_us(args.letters)
                db.session.remove()
    print(f"{len(FIELDS)} fields a letter, {args.letters} letters")
    print(f"seal (new data key, wrap, encrypt): {sealing:.1f} us per letter")
    print(f"open (unwrap, decrypt):             {opening:.1f} us per letter")
    print(f"email hash lookup keys:             {hashing:.1f} us per letter")


if __name__ == "__main__":
    main()
