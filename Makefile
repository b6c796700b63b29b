# parkdata task list: `make help` names every command a newcomer may run.
PY ?= .venv/bin/python
VENV = .venv

.PHONY: help venv install install-dev run reports lab ingest summary test chaos lint imports format typecheck notebooks-check strip-notebooks check compare bench demo template enterprises fixtures clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	python3 -m venv $(VENV)

install: $(VENV)/bin/python  ## install parkdata and its dependencies into .venv
	$(VENV)/bin/pip install -q -e .

install-dev: $(VENV)/bin/python  ## install with test and lint tools
	$(VENV)/bin/pip install -q -e ".[dev]"

run: install  ## the main job: ingest, assess, and a report per park (outputs/index.html)
	$(VENV)/bin/parkdata ingest
	$(VENV)/bin/parkdata assess --out outputs/assessment.csv
	$(VENV)/bin/parkdata reports

reports: install  ## one HTML report per park, the overview and outputs/index.html
	$(VENV)/bin/parkdata reports

lab: install  ## open the notebooks in JupyterLab (notebooks/park_report, overview, explore)
	$(VENV)/bin/jupyter lab notebooks/

ingest: install  ## data/raw -> data/processed (does nothing if inputs are unchanged)
	$(VENV)/bin/parkdata ingest

summary: install  ## print parks, targets and observations
	$(VENV)/bin/parkdata summary

test: install-dev  ## run the test suite (the chaos suite included)
	$(PY) -m pytest

chaos: install-dev  ## only the chaos suite: dead kernels, hangs, signals, locks, full disks, hostile data
	$(PY) -m pytest -m chaos

lint: install-dev  ## ruff lint and format check
	$(VENV)/bin/ruff check parkdata tests benchmarks tools
	$(VENV)/bin/ruff format --check parkdata tests benchmarks tools

imports: install-dev  ## check that the stages import one way (import-linter)
	$(VENV)/bin/lint-imports

format: install-dev  ## apply ruff formatting and safe fixes
	$(VENV)/bin/ruff format parkdata tests benchmarks tools
	$(VENV)/bin/ruff check --fix parkdata tests benchmarks tools

typecheck: install-dev  ## mypy on the package
	$(VENV)/bin/mypy parkdata

notebooks-check: install  ## fail if a committed notebook carries outputs
	$(PY) tools/check_notebooks.py

strip-notebooks: install  ## clear notebook outputs in place (cell tags are kept)
	$(PY) tools/check_notebooks.py --strip

check: lint typecheck imports notebooks-check test  ## everything CI runs

compare: install  ## compare the assessment of the bundled data with REV (make compare REV=HEAD~1)
	$(PY) tools/compare_assessment.py $(REV)

bench: install  ## benchmarks (ingest, assess, project, reports, enterprises), each against the naive way
	$(PY) benchmarks/run.py

demo: install  ## write a fictional demo universe to data/demo
	$(VENV)/bin/parkdata demo --parks 50 --out data/demo

template: install  ## write the Excel template a park office fills in
	$(VENV)/bin/parkdata template --out parkdata_template.xlsx

enterprises: install  ## 亩均 firm evaluation of the fictional demo firms: pages and 公示 lists in outputs/enterprises
	$(VENV)/bin/parkdata enterprises --out outputs

fixtures: install  ## regenerate test fixtures (format variants, bad-input corpus)
	$(PY) tests/fixtures/make_fixtures.py
	$(PY) tests/bad_inputs/make_bad_inputs.py

clean:  ## remove generated data and caches (raw data is never touched)
	rm -rf data/processed/*.parquet data/processed/manifest.json data/processed/issues.csv \
	  data/processed/catalog_extra.yaml data/processed/gen-* data/processed/.gen-* \
	  data/processed/.*.tmp data/processed/.ingest.lock \
	  benchmarks/_work .pytest_cache .mypy_cache .ruff_cache
