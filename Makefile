# Two commands on a fresh machine:  `make report` builds the sample, `make test` runs the tests.
# Everything they need (Debian packages, a virtualenv with reportgen) is installed on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: report test bench clean

report: $(VENV)/.installed
	$(BIN)/reportgen build

test: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

$(VENV)/.installed: pyproject.toml scripts/install-system-packages.sh
	scripts/install-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed tests/browser/package-lock.json
	scripts/install-system-packages.sh --test
	$(BIN)/pip install -q -e '.[test]'
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf build $(VENV)
