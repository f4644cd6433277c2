"""Civic data: US states, ZIP facts and (later) lookups of each supporter's officials."""
