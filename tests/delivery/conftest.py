"""Delivery fixtures: a real SMTP server on a loopback port for each test that asks for one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.delivery.smtp_server import SmtpSink


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink
