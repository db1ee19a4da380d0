# The two entry points of README.md. Each creates .venv and installs the pinned requirements
# first (only again when a requirements file changes), so a fresh machine needs nothing else.
VENV ?= .venv
PYTHON ?= python3
BIN := $(abspath $(VENV))/bin
# Stage commands in dvc.yaml say `python`: the virtual environment's must come first.
export PATH := $(BIN):$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: repro test bench clean-venv

$(VENV)/.installed: requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

repro: $(VENV)/.installed
	dvc repro

test: $(VENV)/.installed
	python -m pytest

bench: $(VENV)/.installed
	python bench/vae_throughput.py

clean-venv:
	rm -rf $(VENV)
