# wz-companion: `make book` (build the website) and `make test` (what CI runs). Each sets itself up.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
# PROFILE unset: `make book` builds the website from the committed (full-profile) notebooks, no execution.
# PROFILE=auto|quick|full: execute every chapter with papermill first, then build from that run.
PROFILE ?=
RUN_PROFILE := $(or $(PROFILE),auto)
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NBVAL_FLAGS := --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-kernel-name wz-companion -p no:cacheprovider
export PYTHONHASHSEED := 0
# No MPLBACKEND here: it would reach the papermill kernels and no figure would reach the pages
# (tests/conftest.py selects Agg inside pytest only).

# time a step: $(call timed,name,command); the command runs in a subshell, so any failure in it (a && chain
# included) stops make
timed = t0=$$(date +%s); ( $(2) ); echo "[time] $(1): $$(( $$(date +%s) - t0 )) s" | tee -a _build/timings.txt

.PHONY: help install test unit lint notebooks check-notebooks nbval site site-test book adopt clean wheel-test

help:
	@echo "make book   - set up .venv, build _build/html from the committed notebooks (seconds, no execution)"
	@echo "make book PROFILE=auto|quick|full - execute every chapter with papermill first, build from that run"
	@echo "make test   - set up .venv, lint, unit tests, quick chapters (once), contract/claims/verdict tests,"
	@echo "              website build and website figure check (what CI runs)"
	@echo "make nbval  - re-execute the committed notebooks and compare their verdicts (GPU workflow)"
	@echo "make adopt PROFILE=full - copy the executed notebooks into chapters/ (what is committed)"
	@echo "make wheel-test - build the wheel, install it in a fresh venv, run examples/ there (CI runs it)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name wz-companion --display-name "Python (wz-companion)"
	touch $(STAMP)

install: $(STAMP)

_build:
	mkdir -p _build

lint: install _build
	@$(call timed,lint,$(BIN)/ruff check wzcore tests tools _ext chapters/src)

unit: install _build
	@$(call timed,unit tests,$(PY) -m pytest tests/unit -q --junitxml=_build/junit/unit.xml)

notebooks: install _build
	@$(call timed,execute chapters ($(RUN_PROFILE)),$(PY) -m wzcore run --all --profile $(RUN_PROFILE) --no-progress)

# contract, executed-run guard, claims against theory, verdicts vs the committed notebooks (no re-execution)
check-notebooks: install _build
	@$(call timed,contract + claims + verdict tests,$(PY) -m pytest tests/notebooks tests/claims -q --profile $(RUN_PROFILE) --ignore=tests/notebooks/test_site.py --junitxml=_build/junit/notebooks.xml)

# stage (committed notebooks if PROFILE is unset, else this run's) and build with warnings as errors
site: install _build
	@$(call timed,website build ($(or $(PROFILE),committed notebooks)),rm -rf _build/html _build/.doctrees && \
	  site=$$($(PY) -m wzcore stage $(if $(PROFILE),--profile $(PROFILE),--committed)) && \
	  $(BIN)/jupyter-book build $$site --path-output . -W -n --keep-going --quiet)
	@echo "website: _build/html/index.html"

# the library alone: build the wheel, install it into a fresh venv, run examples/ outside the repository
wheel-test: _build
	@$(call timed,wheel in a fresh venv (examples),PYTHON=$(PYTHON) bash tools/wheel_test.sh)

site-test: install _build
	@$(call timed,website test (figures on the built pages),$(PY) -m pytest tests/notebooks/test_site.py -q --junitxml=_build/junit/site.xml)

nbval: install _build
	@$(call timed,nbval (re-execute and compare claims),$(PY) -m pytest $(NBVAL_FLAGS) --junitxml=_build/junit/nbval.xml $$($(PY) -c 'from wzcore import book; print(" ".join(str(c.path) for c in book.toc_chapters()))'))

test: install _build
	@rm -rf _build/timings.txt _build/junit; t0=$$(date +%s); \
	WZ_REQUIRE_RUNS=1 $(MAKE) --no-print-directory lint unit notebooks check-notebooks site site-test PROFILE=quick; \
	echo "[time] make test total: $$(( $$(date +%s) - t0 )) s" | tee -a _build/timings.txt; \
	$(PY) tools/test_summary.py _build/junit

book: install _build
	@$(MAKE) --no-print-directory $(if $(PROFILE),notebooks) site PROFILE=$(PROFILE)

adopt: install
	$(PY) -m wzcore adopt --all --profile $(RUN_PROFILE)

clean:
	rm -rf _build
