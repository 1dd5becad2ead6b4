# Python adapter (adapters/python): cffi ABI mode over the core's C ABI.
# The venv adapters/python/.venv is created/filled idempotently by
# adapters/python/scripts/ensure-venv.sh (groups: test, lint, dist); nothing is installed by hand.
PY_DIR := $(ROOT)/adapters/python
PY_VENV := $(PY_DIR)/.venv
PY_VENV_PY := $(PY_VENV)/bin/python
PY_DIST := $(ROOT)/dist/python
PY_SOURCES := src tests agent examples setup.py

.PHONY: test-python agent-python bench-python python-venv lint-python dist-python test-dist-python

python-venv:
	@$(PY_DIR)/scripts/ensure-venv.sh test >/dev/null

# The agent is a script: "building" it means having its interpreter ready and the code compiling.
agent-python: core python-venv
	$(PY_VENV_PY) -m py_compile $(PY_DIR)/agent/agent.py $(wildcard $(PY_DIR)/src/zinc/*.py)
	$(PY_VENV_PY) $(PY_DIR)/agent/agent.py check

test-python: core agent-python
	cd $(PY_DIR) && PYTHONDONTWRITEBYTECODE=1 $(PY_VENV_PY) -m pytest -q tests
	@left=$$(ls /dev/shm | grep '^zinc_t_py' || true); \
	if [ -n "$$left" ]; then echo "test-python leaked in /dev/shm: $$left"; exit 1; fi

bench-python: core python-venv
	$(PY_VENV_PY) $(ROOT)/bench/python/bench.py

# Formatting and static checks: ruff on every Python file of the adapter, mypy --strict on src/.
lint-python:
	@$(PY_DIR)/scripts/ensure-venv.sh lint >/dev/null
	cd $(PY_DIR) && $(PY_VENV)/bin/ruff format --check $(PY_SOURCES)
	cd $(PY_DIR) && $(PY_VENV)/bin/ruff check $(PY_SOURCES)
	cd $(PY_DIR) && $(PY_VENV)/bin/mypy src
	@echo "lint-python: passed"

# dist/python/: the manylinux wheel, the sdist carrying the core's Rust sources, and the wheel
# library's debug info. The wheel's library is linked against glibc $(PY_WHEEL_GLIBC) (cargo-zigbuild);
# auditwheel checks its symbol versions and retags the wheel (the library inside stays byte for
# byte what the build stripped), and the target fails unless the tag is manylinux_2_17.
PY_WHEEL_GLIBC := 2.17
dist-python:
	@$(PY_DIR)/scripts/ensure-venv.sh dist >/dev/null
	rm -rf $(PY_DIR)/build $(PY_DIST) && mkdir -p $(PY_DIST)/raw
	PATH=$(PY_VENV)/bin:$$PATH ZINC_WHEEL_GLIBC=$(PY_WHEEL_GLIBC) ZINC_DEBUG_DIR=$(PY_DIST) \
	    $(PY_VENV_PY) -m build --no-isolation --sdist --wheel \
	    --outdir $(PY_DIST)/raw $(PY_DIR) >$(PY_DIST)/raw/build.log 2>&1 \
	    || { tail -40 $(PY_DIST)/raw/build.log; exit 1; }
	PATH=$(PY_VENV)/bin:$$PATH auditwheel repair --only-plat -w $(PY_DIST) \
	    $(PY_DIST)/raw/zinc_shm-$(VERSION)-py3-none-linux_x86_64.whl >/dev/null 2>&1
	$(PY_VENV_PY) -c 'import sys, zipfile; a, b = (zipfile.ZipFile(w).read("zinc/libzinc_core.so") \
	    for w in sys.argv[1:]); sys.exit(a != b and "auditwheel changed the library")' \
	    $(PY_DIST)/raw/zinc_shm-$(VERSION)-py3-none-linux_x86_64.whl $(PY_DIST)/zinc_shm-*manylinux*.whl
	mv $(PY_DIST)/raw/zinc_shm-$(VERSION).tar.gz $(PY_DIST)/
	rm -rf $(PY_DIST)/raw $(PY_DIR)/build
	PATH=$(PY_VENV)/bin:$$PATH auditwheel show $(PY_DIST)/zinc_shm-*manylinux*.whl
	ls $(PY_DIST)/zinc_shm-$(VERSION)-py3-none-*manylinux_$(subst .,_,$(PY_WHEEL_GLIBC))_x86_64*.whl >/dev/null
	@ls -la $(PY_DIST)

test-dist-python:
	tests/dist/python.sh

ADAPTER_TESTS += test-python
LINT_TARGETS += lint-python
DIST_TARGETS += dist-python
DIST_TESTS += test-dist-python
