# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck pytest bench clean system-deps screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The API server on a SQLite file, seeded with the demo specs on first start; it prints
# the URL and (the first time) the demo admin's token.
run: $(STAMP)
	$(BIN)/techspec serve --db sqlite:///techspec-demo.db --demo

# Debian packages the suite needs (PostgreSQL, WeasyPrint's libraries, Chromium), installed
# only when missing; see scripts/install-system-deps.sh.
system-deps:
	bash scripts/install-system-deps.sh

test: system-deps $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	for dir in tests/*/; do [ -n "$$(ls $$dir*.py 2>/dev/null)" ] || continue; $(BIN)/mypy $$dir || exit 1; done
	$(BIN)/lint-imports --no-logo --cache-dir $(VENV)/.import_linter_cache
	$(BIN)/pytest -n auto; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo 'pytest collected no tests: failing' >&2; exit 1; fi; exit $$rc

# The README's screenshots, taken anew by the browser tests (a plain test run writes them
# under build/ and leaves docs/ alone).
screenshots: system-deps $(STAMP)
	TECHSPEC_SCREENSHOTS=docs/screenshots $(BIN)/pytest -n auto tests/web -k "browser or journey or explanation"

bench: $(STAMP)
	$(BIN)/python benchmarks/lint_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
