# aclara: `make run` starts the whole stack; `make test` runs the whole suite.
# Both set up what they need on first use: two virtual environments (.venv/gateway on Python 3.11+,
# .venv/engine on Python 3.10 for rasa 3.6), compiled catalogs and a trained model.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help run test setup check eval-nlu bench bench-load catalogs model compact-vectors clean

PYTHON ?= python3
export PYTHON310
GATEWAY := .venv/gateway
ENGINE := .venv/engine
GW_PY := $(GATEWAY)/bin/python
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
export CHROMIUM ?= /usr/bin/chromium
# The tracker-store tests start their own redis-server (tests/redis_server.py).
export REDIS_SERVER ?= /usr/bin/redis-server
# The accessibility checks inject axe-core (from npm) into the browser tests' pages.
AXE_VERSION := 4.14.1
export AXE_CORE := $(CURDIR)/$(GATEWAY)/axe/node_modules/axe-core/axe.min.js

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: setup ## set up if needed, train if inputs changed, start actions + Rasa + gateway
	@$(GW_PY) -m tools.stack

test: setup $(CHROMIUM) $(AXE_CORE) $(REDIS_SERVER) ## set up if needed and run the whole test suite
	$(GW_PY) -m knowledge check
	$(GW_PY) -m bench.langid --detectors knowledge --min-accuracy 0.9
	$(GW_PY) -m pytest
	$(ENGINE)/bin/python -m pytest -c tests/bot/pytest.ini tests/bot
	$(GW_PY) -m bench.pipelines --min-accuracy 0.9 --min-accuracy-all 0.9

setup: $(GATEWAY)/.installed $(ENGINE)/.installed catalogs model

$(GATEWAY)/.installed: pyproject.toml requirements/gateway.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: the gateway needs Python 3.11 or newer as \`$(PYTHON)\`; install it or run make PYTHON=/path/to/python3.11" >&2; exit 1; }
	rm -rf $(GATEWAY)
	$(PYTHON) -m venv $(GATEWAY)
	$(GW_PY) -m pip install -q -c requirements/gateway.lock -e '.[gateway,test]'
	touch $@

$(ENGINE)/.installed: requirements/engine.lock
	@py310=$$(tools/find-python310) || exit 1; \
	  rm -rf $(ENGINE) && "$$py310" -m venv $(ENGINE)
	$(ENGINE)/bin/python -m pip install -q -r requirements/engine.lock
	$(ENGINE)/bin/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  test -x $(CHROMIUM) || { echo "error: apt installed chromium, but not at $(CHROMIUM); set CHROMIUM=/path/to/chromium" >&2; exit 1; }; \
	else \
	  echo "error: the browser tests need Chromium at $(CHROMIUM): run \`sudo apt-get install chromium\`, or make test CHROMIUM=/path/to/chromium" >&2; exit 1; \
	fi

$(REDIS_SERVER):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's redis-server for the tracker-store tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  test -x $(REDIS_SERVER) || { echo "error: apt installed redis-server, but not at $(REDIS_SERVER); set REDIS_SERVER=/path/to/redis-server" >&2; exit 1; }; \
	else \
	  echo "error: the tracker-store tests need redis-server at $(REDIS_SERVER): run \`sudo apt-get install redis-server\`, or make test REDIS_SERVER=/path/to/redis-server" >&2; exit 1; \
	fi

$(AXE_CORE):
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's npm for axe-core"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else \
	    echo "error: the accessibility tests need axe-core from npm: run \`sudo apt-get install npm\`, or make test AXE_CORE=/path/to/axe.min.js" >&2; exit 1; \
	  fi; }
	npm install --prefix $(GATEWAY)/axe --no-audit --no-fund --silent axe-core@$(AXE_VERSION)
	@test -f $@ || { echo "error: npm installed axe-core, but not at $@" >&2; exit 1; }

catalogs: $(GATEWAY)/.installed ## compile the gettext catalogs
	@$(GATEWAY)/bin/pybabel -q compile -d locales -D messages

model: $(GATEWAY)/.installed $(ENGINE)/.installed catalogs ## regenerate bot data and train, only if inputs changed
	@$(GW_PY) -m tools.train

compact-vectors: model ## drop committed example vectors (bot/vectors/) that no training example uses any more
	@cd bot && TF_CPP_MIN_LOG_LEVEL=2 ../$(ENGINE)/bin/python compact_vectors.py

check: $(GATEWAY)/.installed ## validate the knowledge base
	$(GW_PY) -m knowledge check

eval-nlu: setup $(GATEWAY)/.bench ## held-out intent accuracy per topic and language; language detection per language
	$(GW_PY) -m bench.pipelines --config bot/config.yml
	$(GW_PY) -m bench.langid

$(GATEWAY)/.bench: $(GATEWAY)/.installed
	$(GW_PY) -m pip install -q -c requirements/gateway.lock -e '.[bench]'
	touch $@

bench: setup $(GATEWAY)/.bench ## compare NLU pipelines and language detectors; measure the engine budget
	$(GW_PY) -m bench.pipelines --config bot/config.yml bot/config-ngrams.yml
	$(GW_PY) -m bench.langid
	$(GW_PY) -m bench.engine

bench-load: setup ## load benchmark: 50 users on the gateway, Rasa alone and /healthz (bench/load.py)
	$(GW_PY) -m bench.load

clean: ## remove environments, models and generated files
	rm -rf .venv bot/models bot/.rasa bot/results bot/data/generated bot/domain/generated.yml
