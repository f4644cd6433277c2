"""Tests for webapp.delivery: channels, the outbox and the senders."""
