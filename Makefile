# Every target creates what it needs: .tools/ holds a pinned uv, .venv/ the locked environment.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(VENV)/bin/python
INPUT ?= seeds
OUTPUT ?= corpora/seeds-en-ru
TEST_MODELS ?= build/test-models
MAX_DECODING_LENGTH ?=
BUILD_FLAGS := $(if $(MAX_DECODING_LENGTH),--max-decoding-length $(MAX_DECODING_LENGTH))
export UV_PYTHON_DOWNLOADS := never

.PHONY: help install test eval bench reliability corpus models test-packages verify clean

help:
	@echo "make install        create .venv from uv.lock"
	@echo "make test           run the test suite"
	@echo "make eval           accuracy on ../shared/eval (segmentation, language id, alignment)"
	@echo "make bench          speed against named baselines (ratios, same run)"
	@echo "make corpus         build $(OUTPUT) from $(INPUT) (needs models: ALIGN_MODELS=DIR or 'make models')"
	@echo "make models         download the Argos packages pinned in models.lock (needs internet)"
	@echo "make test-packages  build random-weight TEST packages into $(TEST_MODELS) for dry runs"
	@echo "make reliability    fault runs and tamperings against the CLI, counted (a few minutes)"
	@echo "make verify         check $(OUTPUT) against its manifest, rebuild it and compare byte for byte"
	@echo "                    (needs the models it was built with: 'make models' or ALIGN_MODELS=DIR)"
	@echo "make clean          remove .venv, .tools, build/ and caches"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed

test: install
	$(RUN) -m pytest -q

eval: install
	$(RUN) -m benchmarks.eval_segmentation
	$(RUN) -m benchmarks.eval_langid
	$(RUN) -m benchmarks.eval_alignment

bench: install
	$(RUN) -m benchmarks.bench

reliability: install
	$(RUN) -m benchmarks.reliability

corpus: install
	$(RUN) -m align build --input $(INPUT) --output $(OUTPUT) $(BUILD_FLAGS)

models: install
	$(RUN) -m align models fetch

test-packages: install
	$(RUN) -m align models make-test-package --from en --to ru $(TEST_MODELS)
	$(RUN) -m align models make-test-package --from ru --to en $(TEST_MODELS)

verify: install
	$(RUN) -m align verify $(OUTPUT) --rebuild $(INPUT)

clean:
	rm -rf $(VENV) $(TOOLS) build .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
