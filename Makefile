# Developer and operator tasks. The quick start is `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
SHARED ?= $(abspath ../shared)
SAMPLE ?= 2000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve indexer setup install migrate import-sample index axe test lint format bench loadtest clean

# The venv is rebuilt only when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --noinput -v1

# Both seed pages and a fixed sample of the corpus (about $(SAMPLE) articles, the same ones every time).
# Live indexing is off here: `make index` builds the whole index in one pass right after.
# Imported articles and briefs get a first revision (django-reversion), once: later runs skip them.
import-sample: export NEWSARCHIVE_SEARCH_REALTIME = 0
import-sample: migrate
	$(MANAGE) import_articles $(SHARED)/seeds/000_14c593dc8bf47eef.txt $(SHARED)/seeds/004_eb6746986b947118.txt
	$(MANAGE) import_articles --sample $(SAMPLE) $(SHARED)/data/saudinewsnet
	$(MANAGE) classify_sections --learn-from-corpus --corpus $(SHARED)/data/saudinewsnet
	$(MANAGE) createinitialrevisions articles.Article articles.Brief --comment "النسخة المستوردة" -v0

# Spelling-variant sets first: they are applied when documents are indexed. build_index builds a
# new index beside the live one (both cores) and swaps it in, so search keeps working meanwhile.
index: install
	$(MANAGE) load_variants
	$(MANAGE) build_index

setup: import-sample index
	$(MANAGE) collectstatic --noinput -v0

# gunicorn and, beside it, the search index writer: requests only queue index tasks, run_indexer
# applies them (docs/operations.md). Ctrl-C stops both; if gunicorn exits, the writer is stopped too.
serve: install
	@$(MANAGE) run_indexer & indexer=$$!; \
	trap 'kill $$indexer 2>/dev/null; wait $$indexer' EXIT INT TERM; \
	$(VENV)/bin/gunicorn -c newsarchive/gunicorn.conf.py --bind $(HOST):$(PORT) newsarchive.wsgi

# The index writer alone (e.g. beside a gunicorn started by other means).
indexer: install
	$(MANAGE) run_indexer

run: setup serve

# axe-core (npm registry) for the accessibility checks in the browser tests; kept in var/, not in git.
axe:
	scripts/axe.sh

test: install axe
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Whole-corpus benchmarks (tens of minutes on 2 cores); each writes its report under docs/benchmarks/.
bench: install
	$(PY) -m benchmarks.import_bench
	$(PY) -m benchmarks.search_eval
	$(PY) -m benchmarks.search_latency

# 50 connections for 60 s against gunicorn over the full corpus, with an editor saving meanwhile.
# LOADTEST_ARGS="--compare-cache" runs the mix with the page cache on and off in one run.
loadtest: install
	$(PY) -m benchmarks.loadtest $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
