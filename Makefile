# katlearn: two commands on a fresh machine with Python 3.10+ and make.
#   make serve   set up .venv, then serve the course with Voila on http://127.0.0.1:8866
#   make test    set up .venv with the test extra, make sure a Chromium exists, run every test
# Other targets: make test-fast (no browser: architecture contracts, content, unit tests; the
# inner loop), make check (content only), make test-hub (a real JupyterHub), make test-lrs
# (sending progress to a real Learning Record Store), make bench (benchmarks), make clean.

PYTHON ?= python3
PORT ?= 8866
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.katlearn-installed
TEST_STAMP := $(VENV)/.katlearn-test-installed
PIP := $(PY) -m pip --disable-pip-version-check

HUB_STAMP := $(VENV)/.katlearn-hub-installed
CHP := $(VENV)/katlearn-node/node_modules/.bin/configurable-http-proxy
# A real Learning Record Store for tests/lrs (Learning Locker's statements service, in-memory).
LRS_SERVER := $(VENV)/katlearn-lrs/node_modules/xapi-statements/dist/server.js
# A second one, ralph (PyPI), in a venv of its own: its pins do not mix with the course's.
RALPH := $(VENV)/katlearn-ralph/.installed
LRS_ENV = KATLEARN_LRS_SERVER=$(CURDIR)/$(LRS_SERVER) KATLEARN_RALPH_PYTHON=$(CURDIR)/$(VENV)/katlearn-ralph/bin/python

.PHONY: serve test test-fast test-hub test-lrs check contracts bench chromium vendor clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || \
	  { echo "katlearn needs Python 3.10 or newer (found: $$($(PYTHON) --version 2>&1))"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
	  { echo "Could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	@touch $@

# Front-end files the server serves itself (npm packages, plotly.js): quick when all are there.
vendor: $(STAMP)
	@$(PY) -m katlearn.server vendor

$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet -e '.[test]'
	@touch $@

$(HUB_STAMP): $(TEST_STAMP)
	$(PIP) install --quiet -e '.[test,hub]'
	@touch $@

$(CHP):
	@command -v npm >/dev/null || { echo "make test-hub needs Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm install --prefix $(VENV)/katlearn-node --no-audit --no-fund --loglevel=error configurable-http-proxy@4

$(LRS_SERVER): | $(PY)
	@command -v npm >/dev/null || { echo "the LRS tests need Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm install --prefix $(VENV)/katlearn-lrs --no-audit --no-fund --loglevel=error xapi-statements@5.0.1

$(RALPH): | $(PY)
	$(PYTHON) -m venv $(VENV)/katlearn-ralph
	$(VENV)/katlearn-ralph/bin/python -m pip install --quiet --disable-pip-version-check 'ralph-malph[lrs,cli]==5.1.0' requests
	@touch $@

serve: vendor
	$(PY) -m katlearn serve --port $(PORT)

chromium: $(TEST_STAMP)
	$(PY) -m tests.chromium --ensure

check: $(STAMP)
	$(PY) -m katlearn check

# The import rules of ../shared/STYLE.md (layers, no cycles), as contracts in pyproject.toml.
contracts: $(TEST_STAMP)
	$(VENV)/bin/lint-imports --no-cache

test: $(TEST_STAMP) $(LRS_SERVER) $(RALPH) vendor chromium contracts check
	$(LRS_ENV) $(PY) -m pytest

test-fast: $(TEST_STAMP) contracts check
	$(PY) -m pytest tests/unit

# A real JupyterHub on loopback: two learners and an educator in headless Chromium.
test-hub: $(HUB_STAMP) $(CHP) vendor chromium
	KATLEARN_REQUIRE_HUB=1 KATLEARN_CHP=$(CURDIR)/$(CHP) $(PY) -m pytest tests/hub

# Sending progress to a real LRS on loopback (part of make test).
test-lrs: $(TEST_STAMP) $(LRS_SERVER) $(RALPH)
	$(LRS_ENV) $(PY) -m pytest tests/lrs

bench: $(TEST_STAMP) vendor chromium
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) test-artifacts katlearn/server/vendored katlearn/_vendor
