# The README's two commands: `make book` builds the site and the PDF, `make test` runs the tests.
# Both start from nothing on a fresh Debian machine: system packages (as root), virtual environment, package.
VENV ?= .venv
PY := $(VENV)/bin/python
DATA ?= data
OUT ?= _build
PREVIOUS ?=
APT_PACKAGES := texlive-xetex texlive-lang-chinese texlive-latex-extra latexmk fonts-noto-cjk fonts-freefont-otf \
	texlive-fonts-recommended tex-gyre poppler-utils chromium

.PHONY: book html test bench system-deps clean

book: $(VENV)/.installed system-deps
	$(PY) -m dtbook.build --data $(DATA) --out $(OUT) $(if $(PREVIOUS),--previous $(PREVIOUS))

html: $(VENV)/.installed system-deps
	$(PY) -m dtbook.build --data $(DATA) --out $(OUT) --no-pdf $(if $(PREVIOUS),--previous $(PREVIOUS))

test: $(VENV)/.installed system-deps tests/browser/node_modules/.installed
	$(PY) -m pytest

bench: $(VENV)/.installed system-deps
	$(PY) benchmarks/run.py

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

# TeX with CJK support, CJK fonts, poppler (PDF to text) and Chromium (browser tests) from Debian.
system-deps:
	@if command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v pdftotext >/dev/null \
		&& command -v chromium >/dev/null && command -v npm >/dev/null && fc-list | grep -q "Noto Serif CJK SC"; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(APT_PACKAGES) $$(command -v npm >/dev/null || echo nodejs npm); \
	else \
		echo "Missing system packages. Run as root: apt-get install -y --no-install-recommends $(APT_PACKAGES)"; exit 1; \
	fi

clean:
	rm -rf $(OUT)
