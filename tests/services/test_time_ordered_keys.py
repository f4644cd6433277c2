"""Keys every letter adds (its deliveries', its email's, its own text's name) are unique, random
and ordered by time: UUID version 7, so each goes in at the end of its unique index."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.services.helpers import SIGNER
from tests.services.helpers import record_letter as _send
from tests.supporter.campaign_files import MERGED_BODY, write_campaign
from webapp.database import db, time_ordered_hex
from webapp.models import Delivery, LetterText, Notification


def _milliseconds(key: str) -> int:
    return int(key[:12], 16)


def _is_v7(key: str) -> bool:
    value = uuid.UUID(key[:32])
    return value.version == 7 and value.variant == uuid.RFC_4122


def test_a_key_is_a_uuid7_of_the_current_millisecond_in_hex() -> None:
    before = time.time_ns() // 1_000_000
    key = time_ordered_hex()
    after = time.time_ns() // 1_000_000
    assert len(key) == 32 and int(key, 16) >= 0 and _is_v7(key)
    assert before <= _milliseconds(key) <= after


def test_longer_keys_add_random_hex_after_the_uuid() -> None:
    keys = [time_ordered_hex(64) for _ in range(200)]
    assert all(len(key) == 64 and _is_v7(key) and int(key, 16) >= 0 for key in keys)
    assert len({key[32:] for key in keys}) == 200


def test_keys_sort_by_the_time_they_were_made_and_never_repeat() -> None:
    earlier = [time_ordered_hex() for _ in range(5_000)]
    time.sleep(0.002)
    later = [time_ordered_hex() for _ in range(5_000)]
    assert max(earlier) < min(later)
    assert len(set(earlier + later)) == 10_000
    # 74 random bits: within one millisecond the order is random, not a counter's.
    by_ms: dict[int, list[str]] = {}
    for key in earlier:
        by_ms.setdefault(_milliseconds(key), []).append(key)
    crowded = max(by_ms.values(), key=len)
    assert len(crowded) >= 10 and crowded != sorted(crowded)


@pytest.mark.parametrize("digits", [16, 31, 33, 63])
def test_a_key_shorter_than_a_uuid_or_of_odd_length_is_refused(digits: int) -> None:
    with pytest.raises(ValueError, match="even number of hex digits"):
        time_ordered_hex(digits)


def test_a_letters_rows_get_keys_later_than_the_letter_before(app: Flask, tmp_path: Path) -> None:
    slug = write_campaign(
        app, tmp_path, "merged", body=MERGED_BODY, body_editable=False, title="Merged"
    )
    _send(app, slug)
    time.sleep(0.002)
    _send(app, slug, replace(SIGNER, email="second@example.org", first_name="Sam"))
    with app.app_context():
        session = db.session()
        for keys in (
            session.scalars(select(Delivery.idempotency_key).order_by(Delivery.id)).all(),
            session.scalars(select(Notification.idempotency_key).order_by(Notification.id)).all(),
            session.scalars(
                select(LetterText.sha256)
                .where(LetterText.owner_id.is_not(None))
                .order_by(LetterText.id)
            ).all(),
        ):
            assert len(keys) >= 2 and all(_is_v7(key) for key in keys), keys
            assert _milliseconds(keys[0]) < _milliseconds(keys[-1])
        owned = session.scalars(select(LetterText.sha256).where(LetterText.owner_id.is_not(None)))
        assert all(len(name) == 64 for name in owned)
