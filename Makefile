# 基层党建知识库 — two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: site test serve check bench a11y clean

# material's end-of-life banner (printed by its template module on every build) says nothing a
# reader of `make site` can act on.
export NO_MKDOCS_2_WARNING := 1

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site,test,bench]'
	rm -f $(VENV)/.installed-*
	touch $@

site: $(STAMP)  ## build the shipped knowledge base (site/ and the offline zip in dist/)
	@$(BIN)/mkdocs build --clean
	@$(BIN)/dangjian-kb bundle --site-dir site --out dist

test: $(STAMP)  ## run the whole test suite (browser tests use Debian's /usr/bin/chromium)
	$(BIN)/python -m pytest -q

serve: $(STAMP)  ## preview with live reload at http://127.0.0.1:8000
	$(BIN)/mkdocs serve

check: $(STAMP)  ## validate the content only (exit status 1 when a finding is an error)
	@$(BIN)/dangjian-kb check .

bench: $(STAMP)  ## all benchmarks (slow)
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_build.py

a11y: $(STAMP)  ## axe-core and Lighthouse over one page of each type, phone and desktop (npm, ~8 min)
	$(BIN)/python bench/bench_a11y.py

clean:
	rm -rf site dist .pytest_cache
