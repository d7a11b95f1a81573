# All set-up happens here: `make run` and `make test` create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast browser lint format lock clean

# uv installs the pinned set in seconds where pip takes minutes; both read requirements.lock.
# --compile-bytecode: uv does not write .pyc files (pip does), and where they cannot be
# written at import time (PYTHONDONTWRITEBYTECODE=1, a read-only venv) every process would
# compile Prefect, pandas and matplotlib anew: about 5 s of CPU per `awesome-enrich run`
# (benchmarks/RESULTS.md, "cpu-profile"), and per test that starts one.
# (Comments stay outside the recipes: a recipe's comment line goes to the shell, and make
# echoes it.)
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit("awesome-enrich needs Python >= 3.11 (set PYTHON=python3.11)" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

run: $(STAMP)
	$(BIN)/awesome-enrich run --list data/raw/README.md

# The browser test of report.html (tests/demo/test_report_browser.py) drives Debian's chromium
# through Playwright (no browser download). Installed here when absent, as .ci/run does: with
# apt-get as root, else through sudo; where neither can, one line says how, and that test
# skips with the same line (the only test that skips for the machine; .ci/run makes it fail).
# Playwright's own driver (a bundled node) needs libatomic1, which a minimal Debian lacks.
CHROMIUM := /usr/bin/chromium
APT_BROWSER := apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium libatomic1
HAS_LIBATOMIC := { /sbin/ldconfig -p 2>/dev/null || ldconfig -p; } | grep -q 'libatomic\.so\.1'

browser:
	@if [ ! -x $(CHROMIUM) ] || ! $(HAS_LIBATOMIC); then \
	  echo "make: installing Debian's chromium and libatomic1 for the browser test of report.html (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive sh -c '$(APT_BROWSER)' >/dev/null; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo DEBIAN_FRONTEND=noninteractive sh -c '$(APT_BROWSER)' >/dev/null; \
	  else \
	    echo "make: cannot install chromium (not root, no sudo): the browser test will skip;" \
	      "run 'sudo apt-get install chromium libatomic1' to run it"; \
	  fi; \
	fi

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 4 --dist worksteal

# The suite without the tests that start servers (Prefect, the fake APIs). Four workers on two
# cores: most of the suite's time is spent waiting on servers and subprocesses, not computing.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 4 --dist worksteal -m "not slow"

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin requirements.lock from pyproject.toml (needs network access to PyPI).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --universal --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
