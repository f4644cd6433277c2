"""The risk signals' counts come from one query, each still capped at its limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from itertools import combinations
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, select

from tests.services.helpers import NOW, SIGNER, record_letter
from tests.supporter.campaign_files import write_campaign
from webapp.antiabuse import risk as risk_module
from webapp.antiabuse.risk import RiskSettings, Signals, assess, capped_count, signal_counts
from webapp.database import db
from webapp.models import Submission

SETTINGS = RiskSettings(
    hold_score=4, ip_burst=2, subnet_burst=50, same_text_hold=5, same_text_flag=3
)
CAPS = {"ip": 3 * SETTINGS.ip_burst, "subnet": SETTINGS.subnet_burst, "text": 5}
SINCE = NOW - timedelta(minutes=10)


@pytest.fixture
def letters(app: Flask, tmp_path: Path) -> int:
    """Nine recent letters from one address (one to another campaign), two older; the campaign
    id of the rest."""
    water = write_campaign(app, tmp_path, "water")
    pipes = write_campaign(app, tmp_path, "pipes")
    same = {"ip_hash": "ip-1", "subnet_hash": "net-1", "personal_hash": "text-1"}
    for n in range(8):
        record_letter(app, water, replace(SIGNER, email=f"r{n}@example.org"), **same)
    for n in range(2):  # outside the burst window, but the same paragraph
        old = NOW - timedelta(minutes=20)
        record_letter(app, water, replace(SIGNER, email=f"o{n}@example.org"), old, **same)
    record_letter(app, pipes, replace(SIGNER, email="p@example.org"), **same)
    other = {"ip_hash": "ip-2", "subnet_hash": "net-2", "personal_hash": "text-2"}
    record_letter(app, water, replace(SIGNER, email="x@example.org"), **other)
    with app.app_context():
        return db.session.scalars(select(Submission.campaign_id)).first() or 0


def _signals(ip: str | None, subnet: str | None, text: str | None) -> Signals:
    return Signals("a@example.org", ip, subnet, text, honeypot=None, form_seconds=None)


def test_the_counts_from_one_query_are_each_signal_counted_alone_and_capped(
    app: Flask, letters: int
) -> None:
    params = {
        "ip_hash": "ip-1",
        "subnet_hash": "net-1",
        "personal_hash": "text-1",
        "since": SINCE,
        "campaign_id": letters,
    }
    alone = {
        "ip": capped_count(CAPS["ip"], Submission.ip_hash == "ip-1", Submission.created_at > SINCE),
        "subnet": capped_count(
            CAPS["subnet"], Submission.subnet_hash == "net-1", Submission.created_at > SINCE
        ),
        "text": capped_count(
            CAPS["text"], Submission.campaign_id == letters, Submission.personal_hash == "text-1"
        ),
    }
    # Without caps: 9 recent letters from the address and network, 10 with the paragraph here.
    expected = {"ip": 6, "subnet": 9, "text": 5}
    with app.app_context():
        session = db.session()
        for name, count in alone.items():
            assert session.scalar(select(count)) == expected[name]
        for size in (1, 2, 3):
            for asked in combinations(("ip", "subnet", "text"), size):
                row = session.execute(signal_counts(SETTINGS, asked), params).one()
                assert list(row) == [expected[name] for name in asked]


def test_the_counts_run_as_driver_sql_are_the_counts_core_reads(app: Flask, letters: int) -> None:
    """Pins what assess reads: the counts compiled once and run as driver SQL are the rows the
    same statement gives through Core, for every set of signals, with the caps reached, and
    with `since` converted as Core converts it (an hour earlier counts the two older letters
    too; a minute later, none)."""
    with app.app_context():
        session = db.session()
        dialect = session.get_bind().dialect
        for since, campaign in ((SINCE, letters), (NOW - timedelta(hours=1), letters), (NOW, 0)):
            params = {
                "ip_hash": "ip-1",
                "subnet_hash": "net-1",
                "personal_hash": "text-1",
                "since": since,
                "campaign_id": campaign,
            }
            for settings in (SETTINGS, replace(SETTINGS, ip_burst=50, same_text_hold=50)):
                for size in (1, 2, 3):
                    for asked in combinations(("ip", "subnet", "text"), size):
                        core = session.execute(signal_counts(settings, asked), params).one()
                        prepared = risk_module._signal_counts_sql(dialect, settings, asked)
                        assert tuple(prepared.run(session, params).one()) == tuple(core)


def test_assess_scores_from_one_query(app: Flask, letters: int) -> None:
    statements: list[str] = []
    with app.app_context():
        session = db.session()
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            risk = assess(session, letters, _signals("ip-1", "net-1", "text-1"), SETTINGS, NOW)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        assert risk.reasons == [
            "6+ letters from one address in 10 minutes",
            "the same personal paragraph from 5+ other senders",
        ]
        assert (risk.score, risk.held, risk.flag_for_review) == (6, True, True)
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
        calm = assess(session, letters, _signals("ip-2", "net-2", "text-2"), SETTINGS, NOW)
        assert (calm.score, calm.reasons, calm.flag_for_review) == (0, [], False)
        only_ip = assess(session, letters, _signals("ip-1", None, None), SETTINGS, NOW)
        assert only_ip.reasons == ["6+ letters from one address in 10 minutes"]
        loose = replace(SETTINGS, ip_burst=5, subnet_burst=8, same_text_flag=20, same_text_hold=30)
        wider = assess(session, letters, _signals("ip-1", "net-1", "text-1"), loose, NOW)
        assert wider.reasons == [
            "9+ letters from one address in 10 minutes",
            "8+ letters from one network in 10 minutes",
        ]
        assert (wider.score, wider.flag_for_review) == (4, False)
        nothing = assess(session, letters, _signals(None, None, None), SETTINGS, NOW)
        assert (nothing.score, nothing.reasons) == (0, [])
