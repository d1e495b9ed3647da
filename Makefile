# Kurultai: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PORT   ?= 5000
export FLASK_APP = wsgi.py
# Links in emails point at the address being served unless told otherwise.
SERVER_NAME ?= 127.0.0.1:$(PORT)
export SERVER_NAME

.PHONY: run test test-cluster lint-imports setup install translations db seed serve worker jobs-worker bench clean vendor-js

# The background jobs' worker runs beside the development server, on the same SQLite
# queue file (instance/jobs-queue.db), and stops with it (docs/jobs.md).
run: setup db seed
	@echo "Serving Kurultai on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	@$(PY) -m flask jobs-worker --workers 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) -m flask run --host 127.0.0.1 --port $(PORT)

# The tests without a browser run in one process per core (pytest-xdist; PYTEST_WORKERS=
# runs them in this process), then the browser tests in one process, in order: two
# Chromiums and live servers side by side would compete for the cores. BROWSER_TESTS=no
# runs only the first part, BROWSER_TESTS=only only the second (CI splits them). A
# selection (PYTEST_ARGS) with no test of one kind is not a failure (pytest's status 5).
PYTEST_WORKERS ?= -n auto
BROWSER_TESTS ?= yes
test: setup
	@status=0; \
	if [ "$(BROWSER_TESTS)" != only ]; then \
		$(PY) -m pytest $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS); s=$$?; \
		[ $$s -eq 0 ] || [ $$s -eq 5 ] || status=$$s; fi; \
	if [ "$(BROWSER_TESTS)" != no ]; then \
		$(PY) -m pytest -m browser $(PYTEST_ARGS); s=$$?; \
		[ $$s -eq 0 ] || [ $$s -eq 5 ] || status=$$s; fi; \
	exit $$status

# The reference deployment of deploy/ on test hosts of its own (network namespaces): needs
# root, nginx, pgbouncer, redis-server and PostgreSQL on 127.0.0.1:5432. See tests/cluster/run.py.
test-cluster: setup
	$(PY) tests/cluster/run.py

# The import layers of .importlinter (also checked by tests/test_architecture.py).
lint-imports: setup
	$(VENV)/bin/lint-imports

setup: $(VENV)/.installed translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent >/dev/null 2>&1 || echo "npm install failed: accessibility checks will be skipped"; fi
	@touch $@

# Compile app/translations/*/LC_MESSAGES/messages.po into .mo files. A broken
# catalog stops the build (pybabel compile only warns about lines it cannot parse,
# such as merge conflict markers, so they are read strictly first); a virtualenv
# without pybabel only loses the translations.
CHECK_PO = import glob, sys, babel.messages.pofile as po; \
	sys.excepthook = lambda kind, error, tb: sys.stderr.write(f"{path}: {error}\n"); \
	[po.read_po(open(path := p, "rb"), abort_invalid=True) for p in glob.glob("app/translations/*/LC_MESSAGES/*.po")]

# Catalogs already compiled (each .mo newer than its .po) are left as they are, so two
# test runs started side by side never rewrite a file the other is reading.
translations: $(VENV)/.installed
	@stale=; for po in app/translations/*/LC_MESSAGES/messages.po; do \
		[ "$${po%.po}.mo" -nt "$$po" ] || stale=1; done; \
	if [ -z "$$stale" ]; then :; elif [ -x $(VENV)/bin/pybabel ]; then \
		$(PY) -c '$(CHECK_PO)' && \
		$(VENV)/bin/pybabel -q compile -d app/translations; \
	else \
		echo "pybabel not found in $(VENV): pages will be shown in English only"; \
	fi

db: setup
	$(PY) -m flask db upgrade

seed: db
	$(PY) -m flask seed-demo

worker: setup
	$(PY) -m flask send-mail

# Background jobs and the periodic work (the passport purge, travel reminders, jobs whose worker died).
jobs-worker: setup
	$(PY) -m flask jobs-worker

bench: setup
	$(PY) bench/agenda_bench.py
	$(PY) bench/dashboard_bench.py
	$(PY) bench/footprint_bench.py
	$(PY) bench/bilaterals_bench.py
	$(PY) bench/export_bench.py
	$(PY) bench/scale_bench.py
	$(PY) bench/live_bench.py
	$(PY) bench/proxy_bench.py

# The offline desk's browser libraries, copied from node_modules (versions pinned in
# package.json) into app/static/vendor/: production serves them from there and never runs Node.
VENDOR = app/static/vendor
vendor-js:
	npm install --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/workbox $(VENDOR)/idb $(VENDOR)/zxing
	cp node_modules/workbox-sw/build/workbox-sw.js node_modules/workbox-core/build/workbox-core.prod.js \
	   node_modules/workbox-routing/build/workbox-routing.prod.js \
	   node_modules/workbox-strategies/build/workbox-strategies.prod.js node_modules/workbox-sw/LICENSE $(VENDOR)/workbox/
	cp node_modules/workbox-sw/package.json $(VENDOR)/workbox/package.json
	for part in core routing strategies; do \
		cp node_modules/workbox-$$part/package.json $(VENDOR)/workbox/workbox-$$part.package.json; done
	cp node_modules/idb/build/index.js node_modules/idb/LICENSE node_modules/idb/package.json $(VENDOR)/idb/
	cp node_modules/@zxing/library/umd/index.min.js node_modules/@zxing/library/LICENSE \
	   node_modules/@zxing/library/package.json $(VENDOR)/zxing/

clean:
	rm -rf $(VENV) node_modules .pytest_cache
