// Bad scenario input never crashes and never passes silently: each case below is a file in
// tests/sim/config/bad/ and the message dtsim must give for it, with the line and column.
#include <catch2/catch.hpp>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"

using dtsim::config::ConfigError;
using dtsim::config::load_scenario;

namespace {

std::string bad(const std::string& name) {
  return std::string(DTSIM_SOURCE_DIR) + "/tests/sim/config/bad/" + name;
}

// Loads `file` (with overrides), expects a ConfigError at line:col naming `key`, and returns
// its message for further checks.
std::string expect_error(const std::string& file, int line, int col, const std::string& key,
                         const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario(bad(file), overrides);
  } catch (const ConfigError& e) {
    INFO(e.what());
    CHECK(e.pos().line == line);
    CHECK(e.pos().column == col);
    CHECK(e.key_path() == key);
    const std::string where = std::to_string(line) + ":" + std::to_string(col) + ": error: ";
    CHECK(std::string(e.what()).find(where) != std::string::npos);
    return e.message();
  }
  FAIL("no error for " << file);
  return {};
}

bool has(const std::string& text, const std::string& part) {
  INFO(text);
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a typo'd key names the key and suggests the right one", "[config][errors]") {
  const auto msg = expect_error("typo_key.yaml", 4, 3, "parallelism.tpp");
  CHECK(has(msg, "unknown key 'tpp', did you mean 'tp'?"));
}

TEST_CASE("a wrong unit says which units are accepted", "[config][errors]") {
  const auto msg = expect_error("wrong_unit.yaml", 10, 17, "devices[0].memory.capacity");
  CHECK(has(msg, "expected a size such as '80 GiB', found '80 GB/s'"));
  CHECK(has(msg, "GiB"));
}

TEST_CASE("a negative size is rejected", "[config][errors]") {
  const auto msg = expect_error("negative_size.yaml", 9, 24, "devices[0].memory.capacity");
  CHECK(has(msg, "expected a positive size"));
  CHECK(has(msg, "'-80 GiB'"));
}

TEST_CASE("a value of the wrong type says what was expected", "[config][errors]") {
  const auto msg = expect_error("wrong_type.yaml", 5, 7, "parallelism.tp");
  CHECK(has(msg, "expected an integer, found 'eight'"));
}

TEST_CASE("a missing required key is reported at its parent", "[config][errors]") {
  const auto msg = expect_error("missing_key.yaml", 3, 3, "training.global_batch");
  CHECK(has(msg, "expected a key 'global_batch'"));
}

TEST_CASE("an impossible plan says which numbers disagree", "[config][errors]") {
  const auto msg = expect_error("impossible_plan.yaml", 4, 3, "parallelism");
  CHECK(has(msg, "8*8*32*1 = 2048"));
  CHECK(has(msg, "1024 accelerators"));
}

TEST_CASE("an unknown preset suggests the nearest one", "[config][errors]") {
  CHECK(has(expect_error("unknown_preset.yaml", 1, 8, "model"), "did you mean 'gpt3-175b'?"));
  CHECK(has(expect_error("unknown_system.yaml", 5, 11, "cluster.system"),
            "did you mean 'dgx-h100'?"));
}

TEST_CASE("malformed YAML is reported where the parser stopped", "[config][errors]") {
  const auto msg = expect_error("malformed.yaml", 3, 12, "");
  CHECK(has(msg, "expected well-formed YAML"));
}

TEST_CASE("an empty file is an error, not an empty scenario", "[config][errors]") {
  CHECK(has(expect_error("empty.yaml", 1, 1, ""), "empty document"));
}

TEST_CASE("a duplicate key names both places", "[config][errors]") {
  const auto msg = expect_error("duplicate_key.yaml", 6, 3, "parallelism.tp");
  CHECK(has(msg, "found 'tp' again (first at line 4)"));
}

TEST_CASE("tensor parallelism must divide the attention heads", "[config][errors]") {
  const auto msg = expect_error("heads_not_divisible.yaml", 4, 7, "parallelism.tp");
  CHECK(has(msg, "96 attention heads, found tp = 64"));
}

TEST_CASE("there must be at least a layer per pipeline chunk", "[config][errors]") {
  const auto msg = expect_error("too_many_chunks.yaml", 6, 8, "parallelism.vpp");
  CHECK(has(msg, "96 layers for pp*vpp = 16*8 = 128 chunks"));
}

TEST_CASE("the global batch must split into micro-batches over data parallelism", "[config][errors]") {
  const auto msg = expect_error("batch_not_divisible.yaml", 6, 16, "parallelism.micro_batch");
  CHECK(has(msg, "global batch of 1000, found 2*16 = 32"));
}

TEST_CASE("a precision the accelerator lacks is refused", "[config][errors]") {
  const auto msg = expect_error("unsupported_precision.yaml", 4, 14, "training.precision");
  CHECK(has(msg, "no fp8 peak"));
}

TEST_CASE("a misspelt choice lists the valid ones", "[config][errors]") {
  const auto msg = expect_error("bad_choice.yaml", 6, 14, "parallelism.recompute");
  CHECK(has(msg, "one of none, selective, full"));
  CHECK(has(msg, "did you mean 'selective'?"));
}

TEST_CASE("command-line overrides are checked like the file, and located on the command line",
          "[config][errors]") {
  // The value 'abc' starts at column 16 of "parallelism.tp=abc".
  const std::vector<std::string> overrides{"parallelism.dp=16", "parallelism.tp=abc"};
  const auto msg = expect_error("impossible_plan.yaml", 1, 16, "parallelism.tp", overrides);
  CHECK(has(msg, "expected an integer, found 'abc'"));
  try {
    load_scenario(bad("impossible_plan.yaml"), overrides);
  } catch (const ConfigError& e) {
    CHECK(e.pos().file == "--set 'parallelism.tp=abc'");
  }
}

TEST_CASE("a mistyped override key is an unknown key with a suggestion", "[config][errors]") {
  const auto msg = expect_error("impossible_plan.yaml", 1, 17, "parallelism.tpp",
                                {"parallelism.dp=16", "parallelism.tpp=4"});
  CHECK(has(msg, "did you mean 'tp'?"));
}
