# The two commands a new user needs: `make demo` and `make test`. Both create the virtual environment first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out/demo

.PHONY: venv demo test lint bench soak clean browser serve screenshots doc-examples

venv: $(STAMP)

# pip byte-compiles what it installs one file at a time; compileall does it on every core (about 40 s instead of 75 s
# on two). A file that cannot be compiled is only noted, as pip does: Python reads it from source when imported.
$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -c requirements/constraints.txt -e '.[dev]'
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib \
		|| echo "note: some installed files could not be byte-compiled; Python reads them from source"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/totalpeace run colombia-2022 --runs 200 --seed 1 --out $(OUT)
	@echo "Open $(OUT)/report.html in a browser."

# The suite runs on TEST_WORKERS processes (pytest-xdist), a test file's tests together in one of them, the files
# handed out in the order tests/conftest.py gives them (one worker compiles the model while the other starts).
TEST_WORKERS ?= 2
test: $(STAMP) browser
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The browser tests drive Debian's Chromium; install it when missing and apt-get is there (never a browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if command -v apt-get >/dev/null 2>&1; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
				|| echo "note: could not install chromium (needs root): browser tests will be skipped"; \
		else echo "note: /usr/bin/chromium is missing and apt-get is not available: browser tests will be skipped"; fi; \
	fi

serve: $(STAMP)
	$(BIN)/totalpeace serve

# Regenerate the README's screenshots (docs/img/dashboard.png, dashboard-compare.png, report.png) from the browser
# tests.
screenshots: $(STAMP) browser
	TOTALPEACE_DOC_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_browser.py

# Rewrite the worked examples of docs/analysis.md and docs/experiments.md (and their figures) from real runs.
doc-examples: $(STAMP)
	$(BIN)/python tools/doc_examples.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# The long versions of the reliability loops: many more fuzz examples (scenarios, HTTP API, design sizes), SIGKILLs
# (sweeps, --replace), random damages to a store and Mesa runs beside the engine's ensembles than `make test` runs.
SOAK_FUZZ_EXAMPLES ?= 2000
SOAK_KILLS ?= 25
SOAK_REPLACE_KILLS ?= 20
SOAK_DAMAGE_EXAMPLES ?= 200
SOAK_MESA_RUNS ?= 300
soak: $(STAMP)
	TOTALPEACE_FUZZ_EXAMPLES=$(SOAK_FUZZ_EXAMPLES) $(BIN)/python -m pytest -q --durations=0 tests/test_fuzz_input.py \
		tests/test_fuzz_territories.py \
		tests/test_server_hardening.py::test_fuzzed_host_headers_never_reach_the_application_unless_loopback
	TOTALPEACE_KILLS=$(SOAK_KILLS) $(BIN)/python -m pytest -q -s tests/test_crash_safety.py
	TOTALPEACE_API_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -q tests/test_api_fuzz.py
	TOTALPEACE_FUZZ_EXAMPLES=$(SOAK_FUZZ_EXAMPLES) $(BIN)/python -m pytest -q --durations=0 \
		--hypothesis-show-statistics tests/test_fuzz_designs.py
	TOTALPEACE_REPLACE_KILLS=$(SOAK_REPLACE_KILLS) $(BIN)/python -m pytest -q -s tests/test_crash_safety.py \
		-k "replace"
	TOTALPEACE_DAMAGE_EXAMPLES=$(SOAK_DAMAGE_EXAMPLES) $(BIN)/python -m pytest -q -s tests/test_store_damage.py \
		-k "random"
	TOTALPEACE_MESA_RUNS=$(SOAK_MESA_RUNS) $(BIN)/python -m pytest -q -s tests/test_mesa_crosscheck.py \
		-k "matches_fast_engine"

lint: $(STAMP)
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

clean:
	rm -rf $(VENV) out .pytest_cache
