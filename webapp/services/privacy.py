"""Keyed hashing of identifiers we must compare but must not keep, such as IP addresses."""

from __future__ import annotations

import hashlib
import hmac


def derive_key(secret: str, purpose: str) -> bytes:
    """A key for one purpose, derived from the app secret so one leak does not expose another."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def hash_ip(ip: str | None, key: bytes) -> str | None:
    """HMAC of the address: equal IPs give equal hashes, and the address cannot be read back."""
    if not ip:
        return None
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()
