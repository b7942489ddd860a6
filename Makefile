# One command each: run, test, check, bench, reliability. See README.md.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run board test check lint typecheck imports bench reliability fuzz clean demo

$(STAMP): requirements.lock pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/watchkeeper db upgrade
	$(BIN)/watchkeeper demo --if-empty
	$(BIN)/watchkeeper serve --insecure-cookies

board: $(STAMP)
	$(BIN)/watchkeeper backlog --watch

# Two workers (the CI machines have two cores); each test file runs whole on one worker, so
# module fixtures are built once. TEST_WORKERS=0 runs in this process (pdb, -s).
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

check: lint typecheck imports test

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all

reliability: $(STAMP)
	WATCHKEEPER_CRASH_KILLS=100 WATCHKEEPER_CONCURRENCY_WRITERS=32 WATCHKEEPER_REQUIRE_POSTGRES=1 \
	WATCHKEEPER_TEST_POSTGRES_URL=$${WATCHKEEPER_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	WATCHKEEPER_CRASH_REPORT=artifacts/crash-tally.jsonl \
	WATCHKEEPER_SECURITY_REPORT=artifacts/security-probes.jsonl \
	$(BIN)/python -m pytest -q -s tests/integration/reliability tests/integration/persistence/test_backup.py \
	tests/integration/security
	$(MAKE) fuzz

# Coverage-guided fuzzing (atheris): every harness in fuzz/ for FUZZ_SECONDS each. The corpus
# grows in artifacts/fuzz/<harness>/ between runs; an input that breaks a contract is kept there.
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	WATCHKEEPER_REQUIRE_FUZZ=1 WATCHKEEPER_FUZZ_SECONDS=$(FUZZ_SECONDS) WATCHKEEPER_FUZZ_DIR=artifacts/fuzz \
	WATCHKEEPER_FUZZ_REPORT=artifacts/fuzz-tally.jsonl \
	$(BIN)/python -m pytest -q -s tests/integration/security/test_atheris_fuzz.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
