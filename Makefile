# Two commands for everyone:  `make lab` opens the course,  `make test` runs every test.
# Both create the project's virtual environment (.venv) on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=
# JupyterLab refuses to run as root without this (containers, CI machines)
AS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test test-fast test-loaded check format env clean-notebooks release benchmark benchmark-attacks site

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(PY) -m tools.student_mode $(VENV)
	touch $(STAMP)

env: $(STAMP)

## Open the course home in JupyterLab (extra options: make lab ARGS='--no-browser --port=8899').
## The venv goes first on PATH so `!python` in notebooks uses the course's Python, and the
## terminals put it back in front after ~/.bashrc (which may activate conda or pyenv).
lab: $(STAMP)
	$(PY) -m tools.student_mode $(VENV) --terminal-only
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" \
	    $(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
	    --LabApp.default_url=/lab/tree/lessons/00-course-home.ipynb $(AS_ROOT) $(ARGS)

## Run the whole test suite (unit, notebooks, grading, browser)
test: $(STAMP)
	$(PY) -m pytest $(ARGS)

## The edit-test loop: no browser, no notebook execution, no end-to-end grading
test-fast: $(STAMP)
	$(PY) -m pytest -m "not browser and not notebooks and not grading" $(ARGS)

## The whole suite while two CPU-bound processes compete for the machine (as on a busy CI host)
test-loaded: $(STAMP)
	$(PY) -m tools.under_load $(MAKE) test

## Lint, format check (notebooks included) and types of the grader; CI runs it before the tests
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## Apply the formatter and the safe lint fixes
format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Strip outputs and execution counts from every notebook (keeps nbgrader metadata)
clean-notebooks: $(STAMP)
	$(PY) -m tools.clean_notebooks lessons solutions

## Regenerate exercises/ from solutions/ with nbgrader
release: $(STAMP)
	$(PY) -m autograder release

## Timing benchmarks (not part of the test suite)
benchmark: $(STAMP)
	$(PY) -m benchmarks.widget_updates
	$(PY) -m benchmarks.browser_latency
	$(PY) -m benchmarks.grading_throughput

## Every attack fixture under stock nbgrader and under the course's grader (slow)
benchmark-attacks: $(STAMP)
	$(PY) -m benchmarks.adversarial_stock

## The course as a static website in site/_build/html (Jupyter Book 2 with the course's theme):
## the lessons executed, the student exercises, search, a Launch on Binder button per page.
## Needs Node.js 18+ (Debian: apt-get install nodejs); builds offline once installed.
site: $(STAMP)
	@command -v node >/dev/null || { echo "error: make site needs Node.js 18+ (apt-get install nodejs)" >&2; exit 2; }
	$(PY) -m tools.site prepare
	cd site && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" JB_ALLOW_NODEENV=no \
	    $(CURDIR)/$(VENV)/bin/jupyter-book build --html
	@echo "site: open site/_build/html/index.html through a web server, e.g." \
	    "$(PY) -m http.server -d site/_build/html -b 127.0.0.1"
