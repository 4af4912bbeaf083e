# katlearn: two commands on a fresh machine with Python 3.10+ and make.
#   make serve   set up .venv, then serve the course with Voila on http://127.0.0.1:8866
#   make test    set up .venv with the test extra, make sure a Chromium exists, run every test
# Other targets: make check (content only), make bench (benchmarks), make clean.

PYTHON ?= python3
PORT ?= 8866
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.katlearn-installed
TEST_STAMP := $(VENV)/.katlearn-test-installed
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: serve test check bench chromium clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || \
	  { echo "katlearn needs Python 3.10 or newer (found: $$($(PYTHON) --version 2>&1))"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
	  { echo "Could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	$(PY) -m katlearn.vendor
	@touch $@

$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet -e '.[test]'
	@touch $@

serve: $(STAMP)
	$(PY) -m katlearn serve --port $(PORT)

chromium: $(TEST_STAMP)
	$(PY) -m katlearn.browser --ensure

check: $(STAMP)
	$(PY) -m katlearn check

test: $(TEST_STAMP) chromium check
	$(PY) -m pytest

bench: $(TEST_STAMP) chromium
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) test-artifacts katlearn/_vendor
