# A thin wrapper over CMake. `make run` and `make test` are the two commands the README gives.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: all deps configure build run test bench pictures clean

all: build

deps:
	@tools/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: deps
	@$(MAKE) --no-print-directory build
	$(BUILD)/dtsim compare scenarios/h100-vs-h800-vs-tpu.yaml

test:
	@tools/install-deps.sh --test
	@$(MAKE) --no-print-directory build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Redraws the tutorial's pictures (scenarios/tutorial/pictures.txt) after a change to the model.
pictures: deps
	@$(MAKE) --no-print-directory build
	tools/tutorial-pictures.sh $(BUILD)/dtsim

bench: deps
	@$(MAKE) --no-print-directory build
	$(BUILD)/dtsim_bench

clean:
	rm -rf $(BUILD)
