"""Requests take turns at a process's Python, and give the turn up while waiting on the network."""

from __future__ import annotations

import contextlib
import runpy
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from flask import Flask, Response, request

from tests.civic.data import load_roster
from tests.civic.geocoder import ONE_LINE
from tests.conftest import LiveServer, built_app
from tests.stubs import StubServer
from webapp.database import db, write_transaction
from webapp.request_slots import holds_slot, pool_shortfall, waiting

# Long enough that requests sharing one slot would have to wait for each other to be seen.
NAP = 0.05
# A request that never gets its slot fails the test at this point instead of hanging the suite.
PATIENCE = 10.0
HUNG_LOOKUPS = 16
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """One backend is enough: this is about threads, not SQL."""
    return str(request.param)


def built(app_config: dict[str, Any], **settings: Any) -> AbstractContextManager[Flask]:
    return built_app({**app_config, **settings})


class Overlap:
    """A view that notes how many requests were inside it at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now = 0
        self.most = 0

    def view(self) -> str:
        with self._lock:
            self._now += 1
            self.most = max(self.most, self._now)
        time.sleep(NAP)  # leaves the CPU, as a SQLite call or a socket write does
        with self._lock:
            self._now -= 1
        return "ok"


def in_threads(calls: list[Callable[[], int]]) -> list[int]:
    """Run the calls at once; each returns a status code."""
    answers: dict[int, int] = {}

    def run(number: int, call: Callable[[], int]) -> None:
        answers[number] = call()

    threads = [threading.Thread(target=run, args=pair, daemon=True) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
    assert not any(t.is_alive() for t in threads), "a request was still waiting for a slot"
    return [answers[n] for n in range(len(calls))]


def getter(app: Flask, path: str) -> Callable[[], int]:
    return lambda: app.test_client().get(path).status_code


@pytest.mark.parametrize("slots", [1, 2, 0])
def test_requests_of_one_process_run_as_many_at_once_as_it_has_slots(
    app_config: dict[str, Any], slots: int
) -> None:
    overlap = Overlap()
    with built(app_config, REQUEST_SLOTS=slots) as app:
        app.add_url_rule("/overlap", "overlap", overlap.view)
        assert in_threads([getter(app, "/overlap") for _ in range(6)]) == [200] * 6
    if slots:
        assert overlap.most == slots
    else:  # no limit: at least two overlap during a nap (all six, unless the machine is busy)
        assert overlap.most >= 2


def test_a_request_waiting_on_the_network_gives_its_slot_up_and_gets_it_back(
    app_config: dict[str, Any],
) -> None:
    inside, release = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def upstream() -> str:
        seen["before"] = holds_slot()
        with waiting():
            seen["while"] = holds_slot()
            inside.set()
            release.wait(PATIENCE)
        seen["after"] = holds_slot()
        return "ok"

    with built(app_config) as app:
        app.add_url_rule("/upstream", "upstream", upstream)
        app.add_url_rule("/quick", "quick", lambda: "ok")
        slow = threading.Thread(target=getter(app, "/upstream"), daemon=True)
        slow.start()
        assert inside.wait(PATIENCE)
        # The only slot is free while /upstream waits: other requests are served meanwhile.
        assert in_threads([getter(app, "/quick") for _ in range(3)]) == [200] * 3
        release.set()
        slow.join(PATIENCE)
    assert seen == {"before": True, "while": False, "after": True}


def test_a_request_keeps_its_slot_through_a_sqlite_writer_turn(
    app_config: dict[str, Any],
) -> None:
    seen: dict[str, bool] = {}

    def writes() -> str:
        # Another request of this process may be queued for the turn while holding the slot:
        # asking for the slot again inside the turn could wait on each other for ever.
        with write_transaction(db.session()), waiting():
            seen["in turn"] = holds_slot()
        with waiting():
            seen["after turn"] = holds_slot()
        return "ok"

    with built(app_config) as app:
        app.add_url_rule("/writes", "writes", writes)
        assert app.test_client().get("/writes").status_code == 200
    assert seen == {"in turn": True, "after turn": False}


def test_requests_that_fail_or_are_refused_give_their_slot_back(
    app_config: dict[str, Any], default_campaign: str
) -> None:
    def boom() -> str:
        raise RuntimeError("deliberate failure")

    def tears_down_badly(_error: BaseException | None) -> None:
        if request.path == "/torn":  # the teardown functions after this one do not run
            raise RuntimeError("deliberate failure")

    def fails_late(response: Response) -> Response:
        if request.path == "/late":  # after the view, in a hook: the later hooks do not run
            raise RuntimeError("deliberate failure")
        return response

    # Answered with the 500 page, as in production, rather than raised into the test client.
    with built(app_config, PROPAGATE_EXCEPTIONS=False) as app:
        app.add_url_rule("/boom", "boom", boom)
        app.add_url_rule("/late", "late", lambda: "ok")
        app.after_request(fails_late)
        app.add_url_rule("/torn", "torn", lambda: "ok")
        app.teardown_request(tears_down_badly)
        app.add_url_rule("/quick", "quick", lambda: "ok")
        with app.app_context():
            slug = db.session.scalars(db.text("SELECT slug FROM campaign")).first()
        refused = lambda: app.test_client().post(f"/campaigns/{slug}", data={}).status_code  # noqa: E731
        # A view that raises, a hook that raises after it, and a POST the CSRF check refuses
        # after the slot was taken.
        assert in_threads([getter(app, "/boom"), getter(app, "/late"), refused]) == [500, 500, 400]
        with pytest.raises(RuntimeError):  # raised past the app, to the server
            app.test_client().get("/torn")
        assert in_threads([getter(app, "/quick")]) == [200]


def test_a_request_made_inside_a_request_leaves_the_outer_one_its_slot(
    app_config: dict[str, Any],
) -> None:
    seen: dict[str, bool] = {}

    def outer() -> str:
        seen["inner answered"] = app.test_client().get("/quick").status_code == 200
        seen["outer holds"] = holds_slot()
        return "ok"

    with built(app_config) as app:
        app.add_url_rule("/outer", "outer", outer)
        app.add_url_rule("/quick", "quick", lambda: "ok")
        assert in_threads([getter(app, "/outer")]) == [200]
        assert in_threads([getter(app, "/quick")]) == [200]
    assert seen == {"inner answered": True, "outer holds": True}


def test_a_slow_upload_holds_no_slot(app_config: dict[str, Any]) -> None:
    with built(app_config) as app, LiveServer(app) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as upload:
            upload.sendall(
                b"POST /campaigns/any HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 5000\r\n\r\nfirst_name=Sl"
            )
            time.sleep(0.2)  # the server is reading the rest of the body, which never comes
            started = time.monotonic()
            response = requests.get(f"{server.url}/privacy", timeout=PATIENCE)
            assert response.status_code == 200
            assert time.monotonic() - started < PATIENCE / 2


@pytest.fixture
def geocoder() -> Iterator[StubServer]:
    with StubServer() as server:
        server.reply_slowly(ONE_LINE, 30)
        yield server


def test_pages_answer_while_lookups_wait_on_a_hung_geocoder(
    app_config: dict[str, Any], geocoder: StubServer, default_campaign: str
) -> None:
    # More than a pool of SQLAlchemy's default size (5 + 10) could lend: each keeps one.
    settings = {
        "CENSUS_GEOCODER_URL": f"{geocoder.url}/geocoder",
        "CIVIC_LOOKUP_BUDGET_SECONDS": 20.0,
        "CIVIC_READ_TIMEOUT_SECONDS": 20.0,
    }
    with built(app_config, **settings) as app, LiveServer(app) as server:
        load_roster(app)  # without members a lookup answers before asking the geocoder

        def lookup(number: int) -> None:
            address = f"{number} Hanging Lane, Dearborn, MI 48126"
            # It is still waiting when the test ends.
            with contextlib.suppress(requests.RequestException):
                requests.get(f"{server.url}/api/representatives", {"address": address}, timeout=8)

        for number in range(HUNG_LOOKUPS):
            threading.Thread(target=lookup, args=(number,), daemon=True).start()
        deadline = time.monotonic() + PATIENCE
        while geocoder.count(ONE_LINE) < HUNG_LOOKUPS:
            assert time.monotonic() < deadline, "the lookups did not reach the geocoder"
            time.sleep(0.02)
        # Each lookup holds a thread and a database connection, not the process's one slot.
        assert requests.get(f"{server.url}/privacy", timeout=2).status_code == 200
        page = requests.get(f"{server.url}/campaigns/{default_campaign}", timeout=5)
        assert page.status_code == 200


@pytest.mark.parametrize(
    ("url", "pool", "slots", "threads", "refused"),
    [
        ("postgresql://db/civic", 4, 1, 16, True),
        ("postgresql://db/civic", 8, 1, 16, False),  # 8 + 8 overflow cover 16 threads
        ("postgresql://db/civic", 10, 1, 24, True),
        ("postgresql://db/civic", 4, 0, 16, False),  # no slots: no thread waits for one
        ("sqlite:///instance/civic_letters.db", 1, 1, 64, False),  # unbounded pool
    ],
)
def test_a_worker_refuses_to_start_with_fewer_connections_than_threads(
    app: Flask, url: str, pool: int, slots: int, threads: int, refused: bool
) -> None:
    config = {"SQLALCHEMY_DATABASE_URI": url, "DB_POOL_SIZE": pool, "REQUEST_SLOTS": slots}
    assert (pool_shortfall(config, threads) is not None) is refused
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    app.config.update(config)
    worker = SimpleNamespace(wsgi=app, cfg=SimpleNamespace(threads=threads))
    if refused:
        with pytest.raises(RuntimeError, match=f"DB_POOL_SIZE={pool} lends a worker at most"):
            settings["post_worker_init"](worker)
    else:
        settings["post_worker_init"](worker)  # and warms the app
