# Two commands on a fresh machine: `make run` (the main job) and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export HF_HUB_OFFLINE = 1
# Extra pip options for torch, e.g. TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu" on a machine
# with internet, so that the CPU build (not the CUDA one) is installed.
TORCH_PIP_ARGS ?=

.PHONY: install browser run chat test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -U pip
	# torch first and alone, CPU build, so that nothing later resolves the multi-GB CUDA wheels.
	$(PIP) install -q $(TORCH_PIP_ARGS) torch==2.13.0
	$(PIP) install -q -c constraints.txt -e ".[dev]"
	@! $(PIP) list 2>/dev/null | grep -i '^nvidia-' || (echo "CUDA packages slipped into the install" && exit 1)
	touch $@

run: install
	$(PY) -m shopdesk run

chat: install
	$(PY) -m shopdesk chat

# The end-to-end tests drive the system's Chromium; it comes from Debian's packages, never a test tool's download.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "The browser tests need Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver"; exit 1; fi; }

test: install browser
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf .data
