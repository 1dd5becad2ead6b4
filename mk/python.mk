# Python adapter (adapters/python): cffi ABI mode over the core's C ABI.
# The venv adapters/python/.venv (cffi, numpy, pytest) is created/filled idempotently by
# adapters/python/scripts/ensure-venv.sh; nothing else needs to be installed by hand.
PY_DIR := $(ROOT)/adapters/python
PY_VENV_PY := $(PY_DIR)/.venv/bin/python

.PHONY: test-python agent-python bench-python python-venv

python-venv:
	@$(PY_DIR)/scripts/ensure-venv.sh >/dev/null

# The agent is a script: "building" it means having its interpreter ready and the code compiling.
agent-python: core python-venv
	$(PY_VENV_PY) -m py_compile $(PY_DIR)/agent.py $(PY_DIR)/src/zinc/__init__.py \
	    $(PY_DIR)/src/zinc/_ffi.py $(PY_DIR)/src/zinc/_region.py
	$(PY_VENV_PY) $(PY_DIR)/agent.py check

test-python: core agent-python
	cd $(PY_DIR) && PYTHONDONTWRITEBYTECODE=1 $(PY_VENV_PY) -m pytest -q tests
	@left=$$(ls /dev/shm | grep '^zinc_t_py' || true); \
	if [ -n "$$left" ]; then echo "test-python leaked in /dev/shm: $$left"; exit 1; fi

bench-python: core python-venv
	$(PY_VENV_PY) $(ROOT)/bench/python/bench.py

ADAPTER_TESTS += test-python
