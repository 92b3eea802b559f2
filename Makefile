# Kinerja's two commands: `make run` (the demo on http://127.0.0.1:5000) and `make test`.
# Both create .venv and install what they need; neither needs PostgreSQL or Redis installed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint lock clean-data chromium

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kinerja: Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The first-party plugins are their own distributions, installed beside the core.
PLUGINS := plugins/kinerja-dinkes

# Every install takes the versions of requirements.lock (constraints: only what is asked for is
# installed, at the locked version), so a laptop, CI and the image run the same code.
$(VENV)/.run-installed: pyproject.toml requirements.lock $(PLUGINS)/pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -c requirements.lock -e ".[embedded]" $(addprefix -e ,$(PLUGINS))
	@touch $@

$(VENV)/.dev-installed: pyproject.toml requirements.lock $(PLUGINS)/pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -c requirements.lock -e ".[dev]" $(addprefix -e ,$(PLUGINS))
	@touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/kinerja up --host $(HOST) --port $(PORT)

# The sign-in tests need the test OIDC provider (Node.js + npm) and Debian's Chromium.
tests/idp/node_modules/.installed: tests/idp/package-lock.json
	@command -v npm >/dev/null || { echo "kinerja: npm (Node.js 20+) is needed for the sign-in tests: apt-get install nodejs npm" >&2; exit 1; }
	cd tests/idp && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "kinerja: Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; fi; \
	fi

# The suite runs in two processes (pytest-xdist; each its own database and Redis database): a
# third of a default PostgreSQL's 100 connections each at most. TEST_WORKERS=0 runs it in this
# process; more workers need a server allowing more connections. pytest's exit code 5 means "no tests ran":
# that is a failure here, never a silent pass.
TEST_WORKERS ?= 2
test: $(VENV)/.dev-installed tests/idp/node_modules/.installed chromium
	@$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "kinerja: no tests ran" >&2; exit 1; fi; exit $$rc

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# After changing pyproject.toml's dependencies: the newest versions its bounds allow, locked.
lock:
	$(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install -q pip-tools
	.venv-lock/bin/pip-compile -q --extra dev --extra embedded --strip-extras \
	  --unsafe-package kinerja --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.lock pyproject.toml
	rm -rf .venv-lock

# Removes the embedded servers' data (the demo database); asks nothing, so think first.
clean-data:
	rm -rf var
