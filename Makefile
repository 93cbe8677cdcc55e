# Anchordesk: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=
# Test processes (pytest-xdist); each has its own data folder and test database. 0 runs in one process.
PYTEST_WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck migrations-check pytest system-test-deps bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

# Debian packages the tests drive for real: Chromium (browser tests) and Dovecot (IMAP tests).
system-test-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! test -x /usr/sbin/dovecot; then \
		echo "Installing chromium and dovecot-imapd from Debian's packages"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium dovecot-imapd >/dev/null; \
	fi

run: $(STAMP)
	$(PY) -m anchordesk migrate --noinput
	$(PY) -m anchordesk collectstatic --noinput --verbosity 0
	$(PY) -m anchordesk demo --if-empty
	$(PY) -m anchordesk run --host $(HOST) --port $(PORT)

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check anchordesk tests bench
	$(VENV)/bin/ruff format --check anchordesk tests bench

typecheck: $(TEST_STAMP)
	$(VENV)/bin/mypy anchordesk

migrations-check: $(TEST_STAMP)
	DJANGO_SETTINGS_MODULE=anchordesk.settings_test $(PY) -m anchordesk makemigrations --check --dry-run

pytest: $(TEST_STAMP) system-test-deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

bench: $(TEST_STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
