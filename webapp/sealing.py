"""Personal fields sealed at rest: AES-GCM under a key per supporter, wrapped by a master key.

Erasing a supporter deletes its wrapped data key. Copies of its sealed fields that linger in
dead rows, the WAL or backups are then ciphertext nobody can open (crypto-shredding).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Sequence
from typing import Any, Generic, Protocol, TypeVar, overload

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import event
from sqlalchemy.orm import InstrumentedAttribute, Session

from webapp.services.privacy import derive_key
from webapp.unproxied import this_app

_NONCE = 12
_WRAPPED_FOR = b"civic-letters data key"
# Instance-dict slots: plaintext set but not yet sealed (sealed at flush), and opened values.
_PENDING = "_sealed_pending"
_OPENED = "_sealed_opened"
_CIPHER = "_sealed_cipher"


class SealingError(RuntimeError):
    """A sealed value cannot be opened with the configured DATA_ENCRYPTION_KEY(s)."""


class Keyring:
    """The master key, plus the previous one during a rotation: wraps data keys, keys emails."""

    def __init__(self, current: str, previous: Sequence[str] = ()) -> None:
        secrets = [current, *[p for p in previous if p]]
        self._wrappers = [AESGCM(derive_key(s, "data-key-wrap")) for s in secrets]
        self._email_keys = [derive_key(s, "email-key") for s in secrets]
        # Keyed once: hash_text copies this state instead of setting the key up again for each
        # text.
        self._text_hmac = hmac.new(derive_key(current, "text-hash"), digestmod=hashlib.sha256)
        # Personal paragraphs' similarity sketches (webapp/letters/sketch.py), current key only,
        # as hash_text: after a rotation older sketches stop matching new ones.
        self.sketch_key = derive_key(current, "paragraph-sketch")

    def wrap(self, data_key: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._wrappers[0].encrypt(nonce, data_key, _WRAPPED_FOR)

    def unwrap(self, wrapped: bytes) -> bytes:
        for wrapper in self._wrappers:
            try:
                return wrapper.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], _WRAPPED_FOR)
            except InvalidTag:
                continue
        raise SealingError("no DATA_ENCRYPTION_KEY configured opens this supporter's data key")

    def wrapped_by_current(self, wrapped: bytes) -> bool:
        try:
            self._wrappers[0].decrypt(wrapped[:_NONCE], wrapped[_NONCE:], _WRAPPED_FOR)
        except InvalidTag:
            return False
        return True

    def email_key(self, email: str) -> str:
        """Keyed hash of the trimmed, case-folded address: equal addresses match, none is kept."""
        return self.email_keys(email)[0]

    def hash_text(self, text: str) -> str:
        """Keyed hash of text compared but not kept: lookup queries, paragraph fingerprints.

        Under the current key only: after a rotation old values stop matching (a cache miss,
        an older paragraph no longer counted as a repeat), which is harmless.
        """
        keyed = self._text_hmac.copy()
        keyed.update(text.encode())
        return keyed.hexdigest()

    def email_keys(self, email: str) -> list[str]:
        """The address's key under the current master key, then under the previous one."""
        folded = email.strip().casefold().encode()
        return [hmac.new(k, folded, hashlib.sha256).hexdigest() for k in self._email_keys]


def keyring() -> Keyring:
    """The running app's keyring (built by create_app from the settings)."""
    ring: Keyring = this_app().extensions["keyring"]
    return ring


def new_cipher() -> tuple[AESGCM, bytes]:
    """A fresh data key's cipher and the key wrapped by the master key, for storing."""
    data_key = AESGCM.generate_key(bit_length=256)
    return AESGCM(data_key), keyring().wrap(data_key)


def sealed_values(model: type, cipher: AESGCM, values: dict[str, Any]) -> dict[str, Any]:
    """`values` for a bulk insert into `model`: its sealed fields sealed under `cipher` (the
    row's supporter's), as a flush through the model would store them."""
    fields: dict[str, Sealed[Any]] = getattr(model, "__sealed__", {})
    out: dict[str, Any] = {}
    for name, value in values.items():
        field = fields.get(name)
        if field is None:
            out[name] = value
        else:
            out[field.column] = None if value is None else seal(cipher, value, field.field)
    return out


def open_cipher(wrapped: bytes) -> AESGCM:
    return AESGCM(keyring().unwrap(wrapped))


def seal(cipher: AESGCM, text: str, field: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + cipher.encrypt(nonce, text.encode(), field)


def unseal(cipher: AESGCM, blob: bytes, field: bytes) -> str:
    try:
        return cipher.decrypt(blob[:_NONCE], blob[_NONCE:], field).decode()
    except InvalidTag as exc:
        raise SealingError(f"a sealed {field.decode()} does not open with its key") from exc


class KeyHolder(Protocol):
    def sealing_cipher(self) -> AESGCM | None: ...


T = TypeVar("T", str, str | None)


class Sealed(Generic[T]):
    """A text attribute stored sealed in the mapped LargeBinary attribute `column`.

    Reading opens it with the owner's data key; setting keeps the plaintext in memory and
    seals it at flush, when the row's supporter (and so its key) is known. On the class, the
    name is the column itself, so `Submission.personal_message.is_not(None)` still queries.
    A row whose `sealing_cipher()` is None (a letter text many letters share) stores UTF-8.
    """

    def __init__(self, column: str) -> None:
        self.column = column
        self.name = ""
        self.field = b""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.field = f"{owner.__dict__['__tablename__']}.{name}".encode()
        fields: dict[str, Sealed[Any]] = dict(getattr(owner, "__sealed__", {}))
        fields[name] = self
        owner.__sealed__ = fields  # type: ignore[attr-defined]

    @overload
    def __get__(self, obj: None, owner: type) -> InstrumentedAttribute[bytes | None]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> T: ...
    def __get__(self, obj: object | None, owner: type) -> Any:
        if obj is None:
            return getattr(owner, self.column)
        pending: dict[str, str] = obj.__dict__.get(_PENDING, {})
        if self.name in pending:
            return pending[self.name]
        blob: bytes | None = getattr(obj, self.column)
        if blob is None:
            return None
        opened: dict[str, tuple[bytes, str]] = obj.__dict__.setdefault(_OPENED, {})
        hit = opened.get(self.name)
        if hit is not None and hit[0] is blob:
            return hit[1]
        cipher = _cipher_of(obj)
        text = bytes(blob).decode() if cipher is None else unseal(cipher, bytes(blob), self.field)
        opened[self.name] = (blob, text)
        return text

    def __set__(self, obj: object, value: T) -> None:
        pending: dict[str, str] = obj.__dict__.setdefault(_PENDING, {})
        if value is None:
            pending.pop(self.name, None)
            setattr(obj, self.column, None)
            return
        pending[self.name] = value
        setattr(obj, self.column, b"")  # marks the row changed; the flush seals the value

    def seal_pending(self, obj: object, value: str) -> None:
        cipher = _cipher_of(obj)
        blob = value.encode() if cipher is None else seal(cipher, value, self.field)
        setattr(obj, self.column, blob)
        obj.__dict__.setdefault(_OPENED, {})[self.name] = (blob, value)


def _cipher_of(obj: object) -> AESGCM | None:
    holder: KeyHolder = obj  # type: ignore[assignment]
    return holder.sealing_cipher()


def cached_cipher(obj: Any, wrapped: bytes | None) -> AESGCM | None:
    """The cipher opened from `wrapped`, kept on `obj` while its wrapped key stays the same."""
    if wrapped is None:
        return None
    hit = obj.__dict__.get(_CIPHER)
    if hit is not None and hit[0] is wrapped:
        cipher: AESGCM = hit[1]
        return cipher
    cipher = open_cipher(wrapped)
    obj.__dict__[_CIPHER] = (wrapped, cipher)
    return cipher


def remember_cipher(obj: Any, wrapped: bytes, cipher: AESGCM) -> None:
    obj.__dict__[_CIPHER] = (wrapped, cipher)


class SealedColumns:
    """Some sealed fields of `model` read as their raw columns (Core rows, for exports of many
    rows) and opened row by row, as the model's attributes would open them, keeping nothing."""

    def __init__(self, model: type, *names: str) -> None:
        fields = [sealed_fields(model)[name] for name in names]
        self.columns: list[InstrumentedAttribute[bytes | None]] = [
            getattr(model, field.column) for field in fields
        ]
        self._fields = [field.field for field in fields]
        # Looked up once: the app's keyring per row cost more than opening the row's key.
        self._ring = keyring()

    def cipher(self, wrapped: bytes) -> AESGCM:
        """The cipher of the supporter whose wrapped data key this is (Supporter.wrapped_key)."""
        return AESGCM(self._ring.unwrap(bytes(wrapped)))

    def open(self, cipher: AESGCM, blobs: Sequence[bytes | None]) -> list[Any]:
        """The plaintexts of `blobs`, read in the order of `columns` (None stays None)."""
        return [
            None if blob is None else unseal(cipher, bytes(blob), field)
            for blob, field in zip(blobs, self._fields, strict=True)
        ]


def sealed_fields(obj: object) -> dict[str, Sealed[Any]]:
    """The sealed attributes of a model (class or instance), by name."""
    model = obj if isinstance(obj, type) else type(obj)
    fields: dict[str, Sealed[Any]] = getattr(model, "__sealed__", {})
    return fields


def open_all(rows: Iterable[object]) -> None:
    """Open every sealed field now, so the rows still read once detached from the app."""
    for row in rows:
        for name in sealed_fields(row):
            getattr(row, name)


class KeyOwner(Protocol):
    def renew_data_key(self) -> None: ...


def reseal(owner: KeyOwner, rows: Iterable[object]) -> None:
    """Open every sealed field of `rows` (the owner's), give the owner a new data key, and let
    the flush seal them again under it: copies left under the old key become unreadable.
    """
    values = [(row, {name: getattr(row, name) for name in sealed_fields(row)}) for row in rows]
    owner.renew_data_key()
    for row, fields in values:
        for name, value in fields.items():
            setattr(row, name, value)


@event.listens_for(Session, "before_flush")
def _seal_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        fields = sealed_fields(obj)
        if not fields:
            continue
        pending: dict[str, str] = obj.__dict__.pop(_PENDING, {})
        for name, value in pending.items():
            fields[name].seal_pending(obj, value)
        if obj in session.new:
            _cipher_of(obj)  # a new supporter gets its key even with nothing to seal yet
