# The two entry points of README.md. Each creates .venv and installs the pinned requirements
# first (only again when a requirements file or the TensorFlow build changes), so a fresh machine
# needs nothing else.
VENV ?= .venv
PYTHON ?= python3
BIN := $(abspath $(VENV))/bin
# Stage commands in dvc.yaml say `python`: the virtual environment's must come first.
export PATH := $(BIN):$(PATH)
export DVC_NO_ANALYTICS := 1

# TensorFlow's build: `cuda` when nvidia-smi lists a GPU, else `cpu`; `make repro TF_BUILD=cpu`
# (or cuda) decides instead. The version is requirements.txt's tensorflow-cpu pin, the only one.
# Detected once (`:=`): a `?=` variable would run nvidia-smi at every use.
ifeq ($(origin TF_BUILD),undefined)
TF_BUILD := $(shell nvidia-smi -L 2>/dev/null | grep -q '^GPU' && echo cuda || echo cpu)
TF_WHY := $(if $(filter cuda,$(TF_BUILD)),nvidia-smi lists a GPU,no GPU found by nvidia-smi)
else
TF_WHY := TF_BUILD given
endif
TF_VERSION := $(shell sed -n 's/^tensorflow-cpu==\([0-9.]*\).*/\1/p' requirements.txt)
ifeq ($(TF_BUILD),cuda)
TF_PACKAGE := tensorflow[and-cuda]==$(TF_VERSION)
TF_OTHER := tensorflow-cpu
TF_PINS := -c requirements-cuda.txt
else ifeq ($(TF_BUILD),cpu)
TF_PACKAGE := tensorflow-cpu==$(TF_VERSION)
TF_OTHER := tensorflow $(shell sed -n 's/^\(nvidia-[a-z0-9-]*\)==.*/\1/p' requirements-cuda.txt)
TF_PINS :=
else
$(error TF_BUILD must be cpu or cuda, not '$(TF_BUILD)')
endif

.PHONY: repro test test-quick lock-check bench compare clean-venv

# One stamp per build: switching builds reinstalls, and removes the other build's TensorFlow
# first (both install the `tensorflow` module; -qq: no warning for what is not there), and on a
# switch to cpu the NVIDIA libraries too (GBs).
$(VENV)/.installed-$(TF_BUILD): requirements.txt requirements-test.txt requirements-cuda.txt pyproject.toml
	@echo "TensorFlow $(TF_VERSION), $(TF_BUILD) build ($(TF_WHY))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	rm -f $(VENV)/.installed-*
	$(BIN)/python -m pip uninstall --quiet --quiet --yes $(TF_OTHER)
	grep -v '^tensorflow-cpu==' requirements.txt > $(VENV)/requirements-without-tensorflow.txt
	$(BIN)/python -m pip install --quiet "$(TF_PACKAGE)" $(TF_PINS) -r $(VENV)/requirements-without-tensorflow.txt -r requirements-test.txt
	touch $@

$(VENV)/.installed: $(VENV)/.installed-$(TF_BUILD)
	touch $@

# dvc repro with a stopwatch: reports/timing/repro.md gets every stage's seconds (README)
repro: $(VENV)/.installed
	python -m latentlab.repro_timing

# Fails, one line per stage, when the committed dvc.lock is not what the committed code, params
# and commands would produce (a fresh clone may only miss DVC's data); .ci/run starts with it
lock-check: $(VENV)/.installed
	python -m latentlab.lockstatus

# Two pytest workers (pytest-xdist): one reproduces the whole tiny pipeline and runs the end-to-end
# tests on it, the other the small copy's fault and remote tests, and both share the unit tests
# (tests/conftest.py). test-quick: every test that runs no pipeline, for the inner loop.
PYTEST := python -m pytest -n 2 --dist loadscope --no-loadscope-reorder

test: $(VENV)/.installed
	$(PYTEST)

test-quick: $(VENV)/.installed
	$(PYTEST) -m "not e2e"

bench: $(VENV)/.installed
	python bench/throughput.py

# Metric changes of two revisions or experiments, each marked within or beyond its noise band
# (noise.yaml; README "Noise bands"): `make compare A=HEAD~1` (B: the workspace), `make compare
# A=main B=exp-1a2b3`. Two metrics folders instead: `bash .ci/metrics-diff FOLDER_A FOLDER_B`.
A ?= HEAD
B ?=
compare: $(VENV)/.installed
	python -m latentlab.compare $(A) $(B)

clean-venv:
	rm -rf $(VENV)
