"""Benchmarks and their data generators (see bench/README.md). Not part of the installed package."""
