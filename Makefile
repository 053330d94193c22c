# The cooperation registry. `make help` lists the targets.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
ARGS ?=

# Every target that touches the database first makes sure one answers and
# exports its URL (see scripts/ensure_database.py for the order of choices).
WITH_DB = DATABASE_URL="$$($(PY) scripts/ensure_database.py)" && export DATABASE_URL &&

.DEFAULT_GOAL := help
.PHONY: help run test messages demo shell superuser clean serve bench soak

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (set PYTHON=...)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

run: export DJANGO_DEBUG ?= 1
run: $(STAMP) messages ## Set up everything and serve the demo site on http://127.0.0.1:8000/ (PORT=...)
	@$(WITH_DB) \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py seed_demo --if-empty && \
	$(PY) manage.py ensure_dev_superuser && \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: export DJANGO_SECRET_KEY ?= insecure-key-for-tests-only
test: $(STAMP) messages ## Check formatting, lint, types, migrations and run the tests (ARGS=... for pytest)
	@scripts/ensure_test_tools.sh
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	find cooperation tests scripts manage.py -name '*.py' -not -path '*/migrations/*' \
		| xargs $(VENV)/bin/django-upgrade --target-version 5.2 --check
	$(VENV)/bin/mypy
	@$(WITH_DB) \
	$(PY) manage.py check && \
	$(PY) manage.py makemigrations --check --dry-run && \
	$(PY) -m pytest $(ARGS)

serve: $(STAMP) messages ## Serve with production settings under gunicorn on http://127.0.0.1:8000/ (PORT=...)
	@$(WITH_DB) PORT=$(PORT) exec $(PY) scripts/serve.py

bench: $(STAMP) messages ## Generate the 10k and 1M databases and measure every page with wrk (ARGS=...)
	@$(WITH_DB) $(PY) scripts/bench.py $(ARGS)

soak: $(STAMP) messages ## Ten minutes of mixed load on a generated database: errors, workers' memory (ARGS=...)
	@$(WITH_DB) $(PY) scripts/soak.py $(ARGS)

messages: $(STAMP) ## Compile the translations (cooperation/locale/*/LC_MESSAGES/django.po) with GNU gettext
	@command -v msgfmt >/dev/null 2>&1 || scripts/apt_install.sh gettext
	@cd cooperation && DJANGO_SETTINGS_MODULE= ../$(VENV)/bin/django-admin compilemessages --verbosity=0

demo: export DJANGO_DEBUG ?= 1
demo: $(STAMP) ## Load (or refresh) the demo data
	@$(WITH_DB) $(PY) manage.py migrate --noinput && $(PY) manage.py seed_demo

shell: export DJANGO_DEBUG ?= 1
shell: $(STAMP) ## Open a Django shell on the database
	@$(WITH_DB) $(PY) manage.py shell

superuser: export DJANGO_DEBUG ?= 1
superuser: $(STAMP) ## Create a superuser of your own choosing
	@$(WITH_DB) $(PY) manage.py createsuperuser

clean: ## Stop the project-local database, remove the virtualenv and caches (keeps var/postgres data)
	-@[ -x $(PY) ] && $(PY) scripts/ensure_database.py --stop
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache var/static
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
