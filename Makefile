# Two commands for a newcomer: `make run` and `make test`. Both set everything up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH
PORT ?= 8501
RUN_ARGS ?=
# The wheel is installed and started on these besides the 3.11 of .venv (pyenv's or on PATH).
WHEEL_CHECK_PYTHONS ?= 3.12 3.13

.PHONY: run test wheel-check fuzz lint format bench alert-load demo screenshots test-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(BIN)/python requirements.txt constraints.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

## run: set up .venv and start the journal as the installed command does (opens the browser)
run: $(VENV)/.runtime
	$(BIN)/python -m reflective_journal --port $(PORT) $(RUN_ARGS)

## test: set up, then lint, the wheel on 3.12 and 3.13, and every test (browser tests included)
test: $(VENV)/.dev test-tools lint wheel-check
	$(BIN)/python -m pytest

## wheel-check: build the wheel; install and start it in fresh venvs on $(WHEEL_CHECK_PYTHONS)
wheel-check: $(VENV)/.runtime
	$(BIN)/python tools/wheel_check.py $(WHEEL_CHECK_PYTHONS)

## fuzz: the property and fuzz tests on fresh random examples, FUZZ_ROUNDS rounds (make test repeats fixed ones)
FUZZ_ROUNDS ?= 5
fuzz: $(VENV)/.dev
	for round in $$(seq $(FUZZ_ROUNDS)); do \
	  HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider \
	    $$(grep -l "^from hypothesis" tests/test_*.py) || exit 1; \
	done

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: time create/unlock/open/save/search at 1k, 10k and 50k sessions, and in Chromium
bench: $(VENV)/.dev test-tools
	$(BIN)/python -m tests.bench

## alert-load: how often the rupture rules alert on simulated stable, ruptured and declining clients
alert-load: $(VENV)/.runtime
	$(BIN)/python -m insights.alert_load

## screenshots: remake the README's screenshots (docs/screenshots) from the browser journeys
screenshots: $(VENV)/.dev test-tools
	SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest tests/e2e/test_journeys.py tests/e2e/test_supervision_browser.py

## demo: a synthetic journal "demo" (passphrase printed) in the data folder
demo: $(VENV)/.runtime
	$(BIN)/python -m practice.demo --sessions 400

# Browser tests use Debian's Chromium; Playwright's own browser download cannot work offline.
# Bundle tests check our files with the reference `age` tool.
AGE_PATH ?= /usr/bin/age
export AGE_PATH

test-tools:
	@missing=""; \
	[ -x "$(CHROMIUM_PATH)" ] || missing="$$missing chromium"; \
	[ -x "$(AGE_PATH)" ] || missing="$$missing age"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's$$missing for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "The tests need:$$missing (Chromium at $(CHROMIUM_PATH), age at $(AGE_PATH))."; \
	  echo "Install them (Debian/Ubuntu: sudo apt-get install$$missing) or set CHROMIUM_PATH / AGE_PATH."; \
	  exit 1; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
