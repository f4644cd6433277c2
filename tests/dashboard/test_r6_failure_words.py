"""Every FailureReason has its words for organisers, in English and in Arabic (review r6)."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from webapp.dashboard.failure_words import FAILURE_WORDS, failure_words
from webapp.models import FailureReason


def test_every_reason_has_words_and_each_is_translated_into_arabic(app: Flask) -> None:
    assert set(FAILURE_WORDS) == set(FailureReason)
    with app.test_request_context("/"):
        for reason in FailureReason:
            words = failure_words(reason.value)
            assert words is not None, reason
            for said in (words.said, words.todo, words.fixed):
                if said is None:
                    continue
                with force_locale("en"):
                    english = str(said)
                with force_locale("ar"):
                    arabic = str(said)
                assert english.strip() and arabic.strip(), reason
                assert arabic != english, f"{reason}: no Arabic for {english!r}"
                # A `command` keeps its backticks in both: with_commands marks it as code.
                assert english.count("`") == arabic.count("`"), reason


def test_a_reason_no_longer_known_shows_the_raw_error_alone(app: Flask) -> None:
    with app.test_request_context("/"):
        assert failure_words("gone_from_the_list") is None
        assert failure_words(None) is None
