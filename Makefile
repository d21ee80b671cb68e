# ServIT — the two commands: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

help:
	@echo "make run     - the local stack with demo data (API on http://127.0.0.1:8000)"
	@echo "make test    - lint, type checks and every test tier"
	@echo "make bench   - benchmarks (and the Lambda bundle's size and import time);"
	@echo "               figures printed and written to docs/performance.md"
	@echo "make package - CloudFormation template + Lambda bundle in out/, checked by cfn-lint"
	@echo "make deploy STACK=servit-prod BUCKET=<s3 bucket> [STAGE=prod] [PARAMS=\"K=V ...\"]"
	@echo "             - package, upload, create or update the stack, publish the UI (README)"
	@echo "make admin STACK=servit-prod EMAIL=you@example.com NAME=\"Your Name\" - the first admin"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

java:
	@if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then \
	  echo "installing Java 17 for DynamoDB Local"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	fi

install: $(STAMP) node_modules/.installed java

# The agent UI: npm ci + vite build, redone only when its sources or lockfile change.
WEB_SOURCES := $(shell find web/src web/public web/index.html web/vite.config.ts web/tsconfig.json web/package.json web/package-lock.json -type f 2>/dev/null)
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch web/node_modules/.installed

web/dist/.built: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run --silent build
	touch web/dist/.built

web: web/dist/.built

# Debian's Chromium for the browser tests (never `playwright install`), and CJK fonts so
# Chinese and Japanese text shows as text, not boxes, in the tests' screenshots.
browser:
	@if ! test -x /usr/bin/chromium || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

run: install web
	$(PY) local/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The tiers in order: fast ones first, so a broken domain fails in seconds (integration and
# api on two workers: their tests share nothing). e2e starts a
# local stack per file: two workers, each file whole on one of them. The browser tier shares
# one stack and its files build on each other's data: one worker.
test: install web browser lint typecheck
	$(PY) -m pytest tests/unit
	$(PY) -m pytest -n 2 tests/integration
	$(PY) -m pytest tests/contract
	$(PY) -m pytest -n 2 tests/api
	$(PY) -m pytest -n 2 --dist loadfile tests/e2e
	cd web && npx vitest run
	$(PY) -m pytest tests/browser
	$(PY) -m pytest tests/infra

package: install
	bash infra/package.sh

# README "Deploy". STAGE defaults to STACK without "servit-"; PARAMS: further Key=Value pairs.
deploy: $(STAMP)
	@test -n "$(STACK)" -a -n "$(BUCKET)" || { echo "usage: make deploy STACK=... BUCKET=... [STAGE=...] [PARAMS=...]"; exit 2; }
	STAGE=$(STAGE) bash infra/deploy.sh $(STACK) $(BUCKET) $(PARAMS)

admin: $(STAMP)
	@test -n "$(STACK)" -a -n "$(EMAIL)" -a -n "$(NAME)" || { echo 'usage: make admin STACK=... EMAIL=... NAME="..." [USER_ID=admin]'; exit 2; }
	bash infra/create-admin.sh $(STACK) $(EMAIL) "$(NAME)" $(USER_ID)

# bench/bundle.py: the Lambda bundle's size and `import app` from it (packages into a temp dir)
bench: install
	$(PY) bench/run.py
	$(PY) bench/bundle.py
	$(PY) -m bench.workflow_costs
	$(PY) -m bench.form_costs
	$(PY) -m bench.sms_costs
	$(PY) -m bench.stats_costs
	$(PY) -m bench.search_index
	$(PY) -m bench.live_latency

clean:
	rm -rf out vendor .test-data

.PHONY: help install java web browser run lint typecheck test package deploy admin bench clean
