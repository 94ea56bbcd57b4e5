# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint venv clean bench

$(BIN)/kameng-tui: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

venv: $(BIN)/kameng-tui

# Installs into .venv only: never PATH, never ~/.local/bin. When the app closes, it says
# how to start it again (.venv/bin/kameng-tui, or `pipx install .`).
run: venv
	@$(BIN)/kameng-tui; status=$$?; $(BIN)/python -m kameng_tui.cli.run_hint; exit $$status

# lint first: CI (`.ci/run` = `make test`) fails on a ruff finding or a mypy error.
# compileall first: with PYTHONDONTWRITEBYTECODE=1 in the environment (as here) no test's
# subprocess writes .pyc, so each CLI process compiled the app's ~300 modules again
# (test_demo_beside_real: 13.9 -> 11.5 s CPU). Python still checks each .pyc against its source.
test: venv lint
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 3 --durations=25

lint: venv
	$(BIN)/ruff check src tests
	$(BIN)/mypy

bench: venv
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
