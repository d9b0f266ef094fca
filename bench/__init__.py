"""Benchmarks and evaluations run by `make bench` and `make eval-nlu` (not by the test suite)."""
