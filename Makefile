# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system system-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages beyond Python (chromium, poppler-utils, pango, fonts); installs only what is missing.
system:
	bash scripts/system-packages runtime

system-test:
	bash scripts/system-packages test

demo: system install
	$(BIN)/benchlearn db upgrade
	$(BIN)/benchlearn demo seed
	@echo "Serving Benchlearn on http://127.0.0.1:5000 (Ctrl-C to stop)"
	$(BIN)/benchlearn run --host 127.0.0.1 --port 5000

test: system-test install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
