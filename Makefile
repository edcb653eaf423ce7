# Two commands on a fresh machine:  `make report` builds the sample, `make test` runs the tests.
# Everything they need (Debian packages, a virtualenv with reportgen) is installed on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: report test lint fuzz bench mutate clean

# reportgen writes build/ beside the configuration (inputs/build/); the sample's goes to build/ here.
report: $(VENV)/.installed
	$(BIN)/reportgen build --out build

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Reports of hundreds of shapes, each built and proofed (tests/test_shapes.py; CI runs a seeded few).
FUZZ ?= 300
fuzz: $(VENV)/.installed-test
	REPORTGEN_FUZZ=$(FUZZ) $(BIN)/pytest -n 0 -p no:cacheprovider tests/test_shapes.py

# Static checks: lint (ruff), types (mypy --strict on reportgen/), the pipeline's import layers.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check reportgen tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# Mutation testing (bench/mutate.py, results in bench/MUTATION.md): would the tests notice a small bug?
# A periodic check that takes long, never part of `make test`. One module: make mutate MODULES=writers
mutate: $(VENV)/.installed-mutate
	$(BIN)/python bench/mutate.py $(MODULES)

$(VENV)/.installed: pyproject.toml scripts/install-system-packages.sh
	scripts/install-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed tests/browser/package-lock.json
	scripts/install-system-packages.sh --test
	$(BIN)/pip install -q -e '.[test,lint]'
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

$(VENV)/.installed-mutate: $(VENV)/.installed-test
	$(BIN)/pip install -q -e '.[test,mutate]'
	touch $@

clean:
	rm -rf build $(VENV)
