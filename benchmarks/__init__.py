"""Evaluation (`make eval`) and speed benchmarks (`make bench`); not part of the installed package."""
