"""Performance benchmarks, run by `make bench`; each writes benchmarks/results/NAME.json."""
