"""Delivery fixtures: a real SMTP server and a Lob-shaped postal service on loopback ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.delivery.postal_stub import PostalStub
from tests.delivery.smtp_server import SmtpSink
from tests.stubs import StubServer


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def postal() -> Iterator[PostalStub]:
    with StubServer() as server:
        yield PostalStub(server)
