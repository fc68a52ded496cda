# `make run` and `make test` work on a fresh machine: they install uv when it is missing.
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PORT ?= 8501

.PHONY: setup run run-oidc oidc test lint bench sample clean

setup: .venv/.synced

.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --break-system-packages uv
	# Compiled once here: where PYTHONDONTWRITEBYTECODE is set, every command would otherwise
	# compile its libraries again (networkx alone costs a second per `python -m skills` run).
	$(UV) sync --frozen --compile-bytecode
	@touch $@

# Two malloc arenas: Streamlit runs every session on a thread of its own, and glibc's arena
# per thread lets a busy server's memory climb for many minutes (README, running it unattended).
run: setup
	MALLOC_ARENA_MAX=$${MALLOC_ARENA_MAX:-2} $(UV) run streamlit run app.py --server.port $(PORT)

# Real sign-in on one machine: a local OpenID Connect provider with the demo users beside the
# app (tests/oidc/run_demo.py). Needs Node.js and npm.
run-oidc: setup oidc
	$(UV) run python tests/oidc/run_demo.py --port $(PORT)

# The local OIDC provider of the sign-in test and run-oidc (oidc-provider, from npm). Without
# npm the sign-in test is skipped on a laptop and fails in CI.
oidc: tests/oidc/node_modules/.installed

tests/oidc/node_modules/.installed: tests/oidc/package.json tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing: the sign-in browser test will not run"; fi

test: setup oidc
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
