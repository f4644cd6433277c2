"""Fixtures for the civic adapters' unit tests (no app, no database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stubs import StubServer


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    """A loopback HTTP server whose routes each test programs; closed after the test."""
    with StubServer() as server:
        yield server
