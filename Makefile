# The two commands a newcomer needs:  make run  (platform with demo data)  and  make test.
# Nothing needs to be installed but Python 3 and make: uv, Python 3.12, PostgreSQL and Redis come
# from Python packages (see config/local_stack.py); DATABASE_URL / REDIS_URL point at your own servers.

export UV_PYTHON_DOWNLOADS ?= $(if $(shell command -v pyenv),never,automatic)
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo .tools/bin/uv)
PY := .venv/bin/python

.PHONY: run test install messages clean-data

.tools/bin/uv:
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

install: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen

run: install
	$(PY) -m config.local_stack serve

test: install
	LOCAL_STACK_REDIS_DB=1 $(PY) -m config.local_stack exec -- $(PY) -m pytest $(ARGS)

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore .venv --ignore .data --ignore .tools
	$(PY) manage.py compilemessages --ignore .venv --ignore .data --ignore .tools

clean-data:
	rm -rf .data
