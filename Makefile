# `make run` and `make test` work on a fresh machine: they install uv when it is missing.
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PORT ?= 8501

.PHONY: setup run test lint bench sample clean

setup: .venv/.synced

.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen
	@touch $@

run: setup
	$(UV) run streamlit run app.py --server.port $(PORT)

test: setup
	$(UV) run ruff check .
	$(UV) run lint-imports
	$(UV) run mypy
	$(UV) run pytest

lint: setup
	$(UV) run ruff check .
	$(UV) run lint-imports
	$(UV) run mypy

bench: setup
	$(UV) run python -m benchmarks

sample: setup
	$(UV) run python -m skills sample --out data/sample

clean:
	rm -rf .venv .pytest_cache .ruff_cache data/*.duckdb data/*.duckdb.wal
