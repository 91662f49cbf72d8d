# Every target sets up its own environment: only python3 and the package registry are assumed.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .uv-bootstrap/bin/uv
endif
RUN := $(UV) run --frozen --no-sync

.PHONY: setup demo test fuzz bench corpus-check init-check compare-isort lint clean

setup: .venv/.synced
	@# stylefix's own modules, byte-compiled so start-up does not pay for it (PYTHONDONTWRITEBYTECODE may be set).
	@.venv/bin/python -m compileall -q stylefix

$(UV):
	$(PYTHON) -m venv .uv-bootstrap
	.uv-bootstrap/bin/python -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

uv.lock: pyproject.toml | $(UV)
	$(UV) lock

demo: setup
	@echo "== stylefix diff examples/ (dry run: nothing is written) =="
	@# exit 1 means "there are changes to show", which is the point of the demo
	@$(RUN) stylefix diff --no-cache examples/ || [ $$? -eq 1 ]

test: lint
	$(RUN) pytest -q

# mypy --strict over the files [tool.mypy] names (docs/architecture.md, Types), then stylefix's own style.
lint: setup
	$(RUN) mypy
	$(RUN) stylefix check .

clean:
	rm -rf .venv .uv-bootstrap .pytest_cache .hypothesis .stylefix_cache .mypy_cache

init-check: setup
	$(RUN) python -m scripts.init_corpus

compare-isort: setup
	$(RUN) python -m scripts.compare_isort

corpus-check: setup
	$(RUN) python -m scripts.corpus_check

bench: setup
	$(RUN) python -m scripts.bench

fuzz: setup
	STYLEFIX_FUZZ_EXAMPLES=2000 STYLEFIX_FUZZ_FULL=1 $(RUN) pytest -q -p no:cacheprovider \
		tests/test_fuzz.py tests/test_pathological.py tests/test_lsp_isolation.py
