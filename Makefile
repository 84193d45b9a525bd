# wz-companion: `make book` (build the website) and `make test` (what CI runs). Each sets itself up.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PROFILE ?= auto
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NBVAL_FLAGS := --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-kernel-name wz-companion -p no:cacheprovider
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

# time a step: $(call timed,name,command)
timed = t0=$$(date +%s); $(2); echo "[time] $(1): $$(( $$(date +%s) - t0 )) s" | tee -a _build/timings.txt

.PHONY: help install test unit lint notebooks check-notebooks nbval site book adopt clean

help:
	@echo "make book   - set up .venv, execute every chapter (PROFILE=auto|quick|full), build _build/html"
	@echo "make test   - set up .venv, unit tests, quick chapters, claims, nbval, website build (what CI runs)"
	@echo "make adopt PROFILE=full - copy the executed notebooks into chapters/ (what is committed)"

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
	@$(call timed,lint,$(BIN)/ruff check wzcore tests tools chapters/src)

unit: install _build
	@$(call timed,unit tests,$(PY) -m pytest tests/unit -q --junitxml=_build/junit/unit.xml)

notebooks: install _build
	@$(call timed,execute chapters ($(PROFILE)),$(PY) -m wzcore run --all --profile $(PROFILE) --no-progress)

check-notebooks: install _build
	@$(call timed,contract + claims tests,$(PY) -m pytest tests/notebooks tests/claims -q --profile $(PROFILE) --junitxml=_build/junit/notebooks.xml)

site: install _build
	@$(call timed,website build,site=$$($(PY) -m wzcore stage --profile $(PROFILE)) && \
	  $(BIN)/jupyter-book build $$site --path-output . -W -n --keep-going --quiet)
	@echo "website: _build/html/index.html"

nbval: install _build
	@$(call timed,nbval (re-execute and compare claims),$(PY) -m pytest $(NBVAL_FLAGS) --junitxml=_build/junit/nbval.xml $$($(PY) -c 'from wzcore import book; print(" ".join(str(c.path) for c in book.toc_chapters()))'))

test: PROFILE = quick
test: install _build
	@rm -rf _build/timings.txt _build/junit; t0=$$(date +%s); \
	$(MAKE) --no-print-directory lint unit notebooks check-notebooks site nbval PROFILE=quick; \
	echo "[time] make test total: $$(( $$(date +%s) - t0 )) s" | tee -a _build/timings.txt; \
	$(PY) tools/test_summary.py _build/junit

book: install _build
	$(MAKE) --no-print-directory notebooks site PROFILE=$(PROFILE)

adopt: install
	$(PY) -m wzcore adopt --all --profile $(PROFILE)

clean:
	rm -rf _build
