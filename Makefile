# Every target creates what it needs: .tools/ holds a pinned uv, .venv/ the locked environment.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
# EXECUTOR=ray: `install` and `corpus` use .venv-ray, a second environment from the same uv.lock
# with the optional extra `ray`; .venv (and so `make test`) never holds Ray.
EXECUTOR ?= local
RAY_VENV := .venv-ray
# RAY_ADDRESS: the cluster to join (ray://head:10001, head:6379); empty: a new local cluster of
# WORKERS CPUs. WORKERS: processes (local) or CPUs of the local cluster; empty: every core.
RAY_ADDRESS ?=
WORKERS ?=
ifeq ($(EXECUTOR),local)
ENV := $(VENV)
else ifeq ($(EXECUTOR),ray)
ENV := $(RAY_VENV)
else
$(error EXECUTOR must be local or ray, not '$(EXECUTOR)')
endif
RUN := $(ENV)/bin/python
INPUT ?= seeds
OUTPUT ?= corpora/seeds-en-ru
TEST_MODELS ?= build/test-models
MAX_DECODING_LENGTH ?=
LICENSE ?=
# FILTERS: filter settings for `make corpus`, e.g. FILTERS="too-short=2 near-duplicate=off"
FILTERS ?=
BUILD_FLAGS := $(if $(MAX_DECODING_LENGTH),--max-decoding-length $(MAX_DECODING_LENGTH)) \
	$(if $(LICENSE),--license $(LICENSE)) $(foreach f,$(FILTERS),--filter $(f)) --executor $(EXECUTOR) $(if $(WORKERS),--workers $(WORKERS)) \
	$(if $(filter ray,$(EXECUTOR)),$(if $(RAY_ADDRESS),--ray-address $(RAY_ADDRESS)))
export UV_PYTHON_DOWNLOADS := never

.PHONY: help install test lint eval bench bench-scale reliability corpus models test-packages verify report clean

help:
	@echo "make install        create .venv from uv.lock (EXECUTOR=ray: .venv-ray, with Ray)"
	@echo "make test           run the test suite"
	@echo "make lint           ruff (lint + format check) and mypy, as configured in pyproject.toml"
	@echo "make eval           accuracy on ../shared/eval (segmentation, language id, alignment)"
	@echo "make bench          speed against named baselines (ratios, same run)"
	@echo "make bench-scale    whole builds of synthetic crawls of 10k, 100k and 1M sentences (long)"
	@echo "make corpus         build $(OUTPUT) from $(INPUT); fetches the pinned models first unless"
	@echo "                    ALIGN_MODELS=DIR names a folder of packages (test packages, say)"
	@echo "                    EXECUTOR=ray: on a local Ray cluster, or RAY_ADDRESS=ADDR's; WORKERS=N"
	@echo "make models         download the Argos packages pinned in models.lock (needs internet)"
	@echo "make test-packages  build random-weight TEST packages into $(TEST_MODELS) for dry runs"
	@echo "make reliability    fault runs and tamperings against the CLI, counted (a few minutes)"
	@echo "make verify         check $(OUTPUT) against its manifest, rebuild it and compare byte for byte"
	@echo "                    (needs the models it was built with: 'make models' or ALIGN_MODELS=DIR)"
	@echo "make report         write $(OUTPUT)/report.html: summary, charts and documents, offline"
	@echo "make clean          remove .venv, .venv-ray, .tools, build/ and caches"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --compile-bytecode: installed modules start from .pyc files, as pip installs them, so a short
# command does not spend a quarter of a second compiling its imports (where PYTHONDONTWRITEBYTECODE
# is set, Python never writes them itself).
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

$(RAY_VENV)/.installed: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(RAY_VENV) $(UV) sync --frozen --compile-bytecode --extra ray --python $(PYTHON)
	@touch $@

install: $(ENV)/.installed

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest -q

# Like `test`, always in .venv (the dev group holds ruff and mypy), whatever EXECUTOR says.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

eval: install
	$(RUN) -m benchmarks.eval_segmentation
	$(RUN) -m benchmarks.eval_langid
	$(RUN) -m benchmarks.eval_alignment
	$(RUN) -m benchmarks.eval_seed_alignment
	$(RUN) -m benchmarks.eval_lexicon_evidence
	$(RUN) -m benchmarks.eval_extraction

# The project's own modules are compiled too: whole-process timings compare installed tools.
bench: install
	$(RUN) -m compileall -q align benchmarks
	$(RUN) -m benchmarks.bench
	$(RUN) -m benchmarks.bench_pairing
	$(RUN) -m benchmarks.bench_report

bench-scale: install
	$(RUN) -m benchmarks.bench_scale

reliability: install
	$(RUN) -m benchmarks.reliability

# Without ALIGN_MODELS, the pinned packages are fetched first (nothing is downloaded when they are
# installed already; offline, fetch stops with one line saying what to do).
corpus: install
	$(if $(ALIGN_MODELS),,$(RUN) -m align models fetch)
	$(RUN) -m align build --input $(INPUT) --output $(OUTPUT) $(BUILD_FLAGS)

models: install
	$(RUN) -m align models fetch

test-packages: install
	$(RUN) -m align models make-test-package --from en --to ru $(TEST_MODELS)
	$(RUN) -m align models make-test-package --from ru --to en $(TEST_MODELS)

verify: install
	$(RUN) -m align verify $(OUTPUT) --rebuild $(INPUT)

report: install
	$(RUN) -m align report $(OUTPUT)

clean:
	rm -rf $(VENV) $(RAY_VENV) $(TOOLS) build .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
