# The two commands (see README.md):
#   make run    install deps, build, load the bundled examples into ./data,
#               serve HTTP on 127.0.0.1:7480 and print example queries
#   make test   build and run every test (ctest), the TCK included
# and: make build, make bench, make bench-ingest (issue 3's one-core ingest
# figure), make debug-test (ASan+UBSan), make clean.

BUILD_DIR ?= build/release
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test bench bench-ingest debug-test clean install

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@scripts/run.sh $(BUILD_DIR)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

bench: build
	@scripts/bench.sh $(BUILD_DIR)

bench-ingest: build
	@scripts/bench-ingest.sh $(BUILD_DIR)

debug-test: deps
	cmake --preset debug
	cmake --build --preset debug
	ctest --test-dir build/debug --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD_DIR)

clean:
	rm -rf build
