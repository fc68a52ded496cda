"""On-demand benchmarks: `make bench` or `python -m benchmarks [name …]`; they print figures."""
