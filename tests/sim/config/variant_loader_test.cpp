// config::load_variant: a variant's `set:` over the file, then the command line's --set, which
// wins for the same key and leaves a note naming the variant key it replaced.
#include <catch2/catch.hpp>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "temp_file.hpp"

using namespace dtsim;

namespace {

// One DGX H100 node (8 GPUs) and two variants that set the tensor-parallel degree.
const std::string kScenario =
    "model: gpt3-125m\n"
    "training: {global_batch: 8, seq_len: 2048}\n"
    "parallelism: {tp: 1}\n"
    "cluster: {system: dgx-h100, nodes: 1}\n"
    "variants:\n"
    "  - {name: TP4, set: {parallelism.tp: 4}}\n"
    "  - {name: whole, set: {parallelism: {tp: 2, zero: 1}}}\n";

bool has_note(const config::Scenario& s, const std::string& part) {
  for (const auto& n : s.notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a variant's set applies over the file", "[config][variants]") {
  const auto path = test::write_temp("variants.yaml", kScenario);
  const auto base = config::load_scenario(path);
  REQUIRE(base.variants.size() == 2);
  const auto s = config::load_variant(path, {}, base.variants[0]);
  CHECK(s.name == "TP4");
  CHECK(s.plan.tp == 4);
  CHECK(s.plan.dp == 2);  // 8 GPUs / tp 4
  CHECK_FALSE(has_note(s, "overrides variant"));
}

TEST_CASE("a command-line --set wins over the variant's own value and says so", "[config][variants]") {
  const auto path = test::write_temp("variants_cli.yaml", kScenario);
  const auto base = config::load_scenario(path);
  const auto s = config::load_variant(path, {"parallelism.tp=2"}, base.variants[0]);
  CHECK(s.plan.tp == 2);
  CHECK(s.plan.dp == 4);  // 8 GPUs / tp 2
  CHECK(has_note(s, "--set 'parallelism.tp=2' overrides variant 'TP4''s parallelism.tp: '4'"));
  // The variant set the whole mapping; --set changes one key in it and keeps the rest.
  const auto whole = config::load_variant(path, {"parallelism.tp=4"}, base.variants[1]);
  CHECK(whole.plan.tp == 4);
  CHECK(whole.plan.zero == 1);
  CHECK(has_note(whole, "overrides variant 'whole''s parallelism:"));
}

TEST_CASE("an error in a variant names it and points at its line", "[config][variants]") {
  // tp 5 does not divide the node's 8 GPUs. Line 6, "  - {name: TP5, set: {parallelism.tp: "
  // is 38 characters: the 5 is at column 39.
  const auto path = test::write_temp("variant_error.yaml",
                                     kScenario.substr(0, kScenario.find("variants:")) +
                                         "variants:\n  - {name: TP5, set: {parallelism.tp: 5}}\n");
  const auto base = config::load_scenario(path);
  try {
    config::load_variant(path, {}, base.variants[0]);
    FAIL("no error for tp 5");
  } catch (const config::ConfigError& e) {
    CHECK(e.pos().line == 6);
    CHECK(e.pos().column == 39);
    CHECK(e.key_path() == "parallelism.tp");
    CHECK(e.message().rfind("in variant 'TP5': expected tp*pp*cp to divide", 0) == 0);
  }
}
