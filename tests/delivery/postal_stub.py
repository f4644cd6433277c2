"""A print-and-mail service in the shape of Lob's letters API, on a loopback port."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.stubs import Reply, StubRequest, StubServer, json_reply

LETTERS = "/v1/letters"
VERIFY = "/v1/us_verifications"
API_KEY = "test_0123456789abcdef"
WEBHOOK_SECRET = "whsec-test-secret"
REQUIRED = ("name", "address_line1", "address_city", "address_state", "address_zip")


def _error(status: int, message: str) -> Reply:
    return json_reply({"error": {"message": message, "status_code": status}}, status)


@dataclass
class PostalStub:
    """Letters are created once per Idempotency-Key (a repeat answers the first letter again);
    `printed` lists the keys of letters really made. Program `answer` to fail letter calls and
    `undeliverable` with address lines the verification refuses."""

    server: StubServer
    letters: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    printed: list[str] = field(default_factory=list)
    undeliverable: set[str] = field(default_factory=set)
    answer: Reply | None = None
    delay: float = 0.0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.server.route(LETTERS, self._create)
        self.server.route(VERIFY, self._verify)

    @property
    def url(self) -> str:
        return self.server.url

    def _authorised(self, request: StubRequest) -> bool:
        expected = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
        return request.header("Authorization") == expected

    def _create(self, request: StubRequest) -> Reply:
        if not self._authorised(request):
            return _error(401, "Your API key is not valid.")
        if self.delay:
            self.server.sleep(self.delay)
        if self.answer is not None:
            return self.answer
        key = request.header("Idempotency-Key")
        body = json.loads(request.body)
        for side in ("to", "from"):
            missing = [f for f in REQUIRED if not (body.get(side) or {}).get(f)]
            if missing:
                return _error(422, f"{side}.{missing[0]} is required")
        if not str(body.get("file") or "").lstrip().startswith("<"):
            return _error(422, "file must be HTML")
        with self._lock:
            if key and key in self.by_key:
                return json_reply(self.letters[self.by_key[key]])
            letter_id = f"ltr_{next(self._ids):016x}"
            letter = {"id": letter_id, "object": "letter", "tracking_events": [], **body}
            self.letters[letter_id] = letter
            if key:
                self.by_key[key] = letter_id
            self.printed.append(key or "")
        self.server.route(f"{LETTERS}/{letter_id}", self._retrieve)
        return json_reply(letter)

    def _retrieve(self, request: StubRequest) -> Reply:
        if not self._authorised(request):
            return _error(401, "Your API key is not valid.")
        letter = self.letters.get(request.path.rsplit("/", 1)[-1])
        return json_reply(letter) if letter else _error(404, "letter not found")

    def _verify(self, request: StubRequest) -> Reply:
        if not self._authorised(request):
            return _error(401, "Your API key is not valid.")
        body = json.loads(request.body)
        if not body.get("primary_line"):
            return _error(422, "primary_line is required")
        refused = body["primary_line"] in self.undeliverable
        return json_reply(
            {
                "id": "us_ver_1",
                "primary_line": body["primary_line"].upper(),
                "deliverability": "undeliverable" if refused else "deliverable",
            }
        )

    def track(self, letter_id: str, *names: str) -> None:
        """Tracking events the letter shows from now on, as GET /v1/letters/{id} lists them."""
        self.letters[letter_id]["tracking_events"] = [
            {"id": f"evnt_{n}", "name": name, "type": "normal"} for n, name in enumerate(names)
        ]


def signed_event(
    event_type: str, letter_id: str, timestamp: str, secret: str = WEBHOOK_SECRET
) -> tuple[bytes, dict[str, str]]:
    """A webhook event and the headers the service signs it with."""
    body = json.dumps(
        {"id": "evt_1", "event_type": {"id": event_type}, "body": {"id": letter_id}}
    ).encode()
    signature = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return body, {
        "Content-Type": "application/json",
        "Lob-Signature": signature.hexdigest(),
        "Lob-Signature-Timestamp": timestamp,
    }
