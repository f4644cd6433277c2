"""Benchmarks: each module measures one target stated in an issue and prints its numbers."""
