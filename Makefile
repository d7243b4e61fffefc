# Quorum — the two commands of the README.
#   make test   installs what is missing, builds, and runs every test
#   make demo   runs the main job on the embedded default model
SHELL := /bin/bash
SWIFT ?= swift
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: test demo build release deps clean

## deps: install system packages the build needs (Debian, as root); says what is missing otherwise.
deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -j $(JOBS)

release: deps
	$(SWIFT) build -c release -j $(JOBS)

test: deps
	$(SWIFT) build --build-tests -j $(JOBS)
	$(SWIFT) test --skip-build --parallel --num-workers $(JOBS)

demo: release
	$(SWIFT) run -c release quorum demo

clean:
	rm -rf .build
