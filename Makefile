# Two commands: `make run` (set up, build the sample, run every notebook, render HTML) and
# `make test` (set up, run every test). Both create .venv when missing and reinstall only when
# requirements.txt or pyproject.toml changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CORPUS ?=
PARAMS ?=
ONLY   ?=
JOBS   ?=

.PHONY: setup run test lab bench clean baselines

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check -r requirements.txt
	@# rfc3987-syntax (via jupyter-events) costs ~2.5 s at every nbformat import and nothing here uses it;
	@# see benchmarks/README.md for the measurement.
	$(PY) -m pip uninstall --quiet --quiet -y rfc3987-syntax
	$(PY) -m ipykernel install --sys-prefix --name transcripts --display-name "Python (transcripts)" >/dev/null
	@touch $(STAMP)

run: setup
	$(PY) -m transcripts run $(if $(CORPUS),--corpus $(CORPUS)) $(if $(PARAMS),--params $(PARAMS)) $(if $(ONLY),--only $(ONLY)) $(if $(JOBS),--jobs $(JOBS))

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lab: setup
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

# Refresh the committed regression baselines (tests/baselines/*.json) from a fresh run of the sample,
# on purpose, after a change that is meant to move the numbers; then review `git diff tests/baselines/`.
baselines: setup
	UPDATE_BASELINES=1 $(PY) -m pytest tests/test_regression.py -k baseline -q -rs

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf data/processed/* outputs/*

# The whole workbook on the White House corpus and on a generated corpus five times its size (issue 16):
# wall, CPU and peak memory beside the floor; long (tens of minutes); see benchmarks/README.md.
.PHONY: bench-scale
bench-scale: setup
	$(PY) benchmarks/scale.py $(BENCH_ARGS)
