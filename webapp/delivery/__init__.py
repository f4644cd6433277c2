"""Delivery: the outbox worker and the channels letters travel by (email, CWC, hand-off, packet)."""
