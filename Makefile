# Quorum — the two commands of the README.
#   make test   installs what is missing, builds, and runs every test
#   make demo   runs the main job on the embedded default model
#   make fuzz   runs each libFuzzer target of Fuzz/ for FUZZ_SECONDS (docs/fuzzing.md)
SHELL := /bin/bash
SWIFT ?= swift
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# The models the tests run (pulled into $QUORUM_HOME/models, default ~/.cache/quorum/models).
TEST_MODELS ?= smollm2-135m qwen2.5-coder-0.5b

.PHONY: test demo build release deps models fuzz clean

## deps: install system packages the build needs (Debian, as root); says what is missing otherwise.
deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -j $(JOBS)

release: deps
	$(SWIFT) build -c release -j $(JOBS)

## models: pull TEST_MODELS (a no-op when present and verified). A failed pull does not stop `make test`:
## it prints a loud banner and the tests that need the models then fail, saying which file is missing.
models: deps
	$(SWIFT) build --product quorum -j $(JOBS)
	@"$$($(SWIFT) build --show-bin-path)/quorum" models pull $(TEST_MODELS) || { \
	  echo "" >&2; \
	  echo "######################################################################" >&2; \
	  echo "##  MODEL PULL FAILED (see the error above)." >&2; \
	  echo "##  Tests that need $(TEST_MODELS) will FAIL." >&2; \
	  echo "##  Fix the cause and run: make models" >&2; \
	  echo "######################################################################" >&2; \
	  echo "" >&2; }

test: deps models
	$(SWIFT) build --build-tests -j $(JOBS)
	@# The HTTP fault-injection tests check that deadlines cut slow servers short; they (and the decoders'
	@# server tests) run in a process of their own so that the CPU-bound engine and sandbox suites cannot
	@# starve their event loops.
	$(SWIFT) test --skip-build --skip QuorumHTTPTests --skip QuorumServerDecodingTests
	$(SWIFT) test --skip-build --filter QuorumHTTPTests --filter QuorumServerDecodingTests

## demo: pulls smollm2-135m, builds in release mode, samples 16 paths for each of the first DEMO_LIMIT problems
## of tasks/arith-easy (sized to finish within 10 minutes on 2 cores), selects with PPL, SC, PC and RPC,
## evaluates and prints the table. Run it again and it resumes (or, when complete, just evaluates again).
DEMO_LIMIT ?= 40
DEMO_OUT ?= runs/demo-arith-easy
demo: release
	@"$$($(SWIFT) build -c release --show-bin-path)/quorum" models pull smollm2-135m
	"$$($(SWIFT) build -c release --show-bin-path)/quorum" run tasks/arith-easy.jsonl --model smollm2-135m \
	  --samples 16 --limit $(DEMO_LIMIT) --max-tokens 128 --temperature 0.7 --seed 0 --out $(DEMO_OUT)

## fuzz: builds the fuzz targets of Fuzz/ with -sanitize=fuzzer,address in Fuzz/.build (a package of its own, so
## the sanitizers never reach this build), seeds them from real files and runs each for FUZZ_SECONDS; a crash
## fails and leaves its reproducer in Fuzz/crashes/. FUZZ_TARGETS picks targets (default: all six).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= FuzzGGUF FuzzTaskJSON FuzzTaskXML FuzzPaths FuzzAnswers FuzzHTTP
fuzz: deps
	@SWIFT="$(SWIFT)" JOBS="$(JOBS)" FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_TARGETS="$(FUZZ_TARGETS)" Fuzz/run.sh

clean:
	rm -rf .build Fuzz/.build
