# A thin wrapper over CMake. `make run` and `make test` are the two commands the README gives.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: all deps configure build run test test-sanitize fuzzers fuzz bench pictures clean

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

# The sanitizer and fuzzing tree (docs/testing.md): clang, ASan + UBSan, libFuzzer coverage, -O1,
# NDEBUG as in the release build (Boost.Graph's push-relabel assertion compares double flows
# exactly and fails on rounding). -Werror stays with the GCC tree above, the compiler CI gates
# warnings on.
ASAN_BUILD ?= build-asan
ASAN_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DDTSIM_SANITIZE=address,undefined -DDTSIM_FUZZ=ON -DDTSIM_WERROR=OFF
# Left out of the sanitizer suite (docs/testing.md): the report tests drive headless Chromium
# (a process of its own, not instrumented); the scenario and tutorial tests simulate every
# shipped scenario at full size; the address-limit test runs under `ulimit -v`, which ASan's
# shadow memory cannot live within. `make test` runs them all.
SANITIZE_SKIP ?= ^report: |^every shipped scenario|^the headline|^tutorial:|address limit
SANITIZER_LOGS = $(abspath $(ASAN_BUILD))/sanitizer-logs
# A report of any process, the dtsim binaries the CLI tests start included, lands in a log file:
# a test that only checks an exit status still cannot hide one.
SANITIZER_ENV = \
  ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1:log_path=$(SANITIZER_LOGS)/asan \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SANITIZER_LOGS)/ubsan
FUZZ_SECONDS ?= 60
FUZZERS = fuzz_scenario fuzz_validation

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) $(ASAN_FLAGS)

test-sanitize:
	@tools/install-deps.sh --sanitize
	@$(MAKE) --no-print-directory $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target dtsim dtsim_tests
	@rm -rf $(SANITIZER_LOGS) && mkdir -p $(SANITIZER_LOGS)
	@status=0; $(SANITIZER_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) \
	  -E '$(SANITIZE_SKIP)' || status=$$?; \
	if [ -n "$$(ls -A $(SANITIZER_LOGS))" ]; then cat $(SANITIZER_LOGS)/*; status=1; fi; \
	exit $$status

fuzzers:
	@tools/install-deps.sh --sanitize
	@$(MAKE) --no-print-directory $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target $(FUZZERS)

# Each harness for FUZZ_SECONDS from the seed corpus; a crash is written to $(ASAN_BUILD)/fuzz.
# tools/fuzz-campaign.sh runs the longer campaign.
fuzz: fuzzers
	@rm -rf $(ASAN_BUILD)/fuzz/seeds && tests/fuzz/seeds.sh $(ASAN_BUILD)/fuzz/seeds
	@for f in $(FUZZERS); do \
	  mkdir -p $(ASAN_BUILD)/fuzz/corpus-$$f && \
	  (cd $(ASAN_BUILD)/fuzz && ASAN_OPTIONS=detect_leaks=1 ./$$f -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=10 -rss_limit_mb=2048 -dict=$(abspath tests/fuzz/yaml.dict) \
	    -artifact_prefix=$$f- -print_final_stats=1 corpus-$$f seeds) || exit 1; \
	done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
