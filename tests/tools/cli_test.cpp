// The dtsim command line as a user meets it: exit codes, JSON output, error messages.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"

namespace {
CliOutcome dtsim(const std::string& args, bool with_stderr = false) { return dtsim_cli(args, with_stderr); }
}  // namespace

TEST_CASE("dtsim --version", "[cli]") {
  const auto o = dtsim("--version");
  CHECK(o.status == 0);
  CHECK(o.out.rfind("dtsim ", 0) == 0);
}

TEST_CASE("run --json prints one JSON document with the headline figures", "[cli]") {
  const auto o = dtsim("run scenarios/quickstart.yaml --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  for (const char* key : {"step_time_s", "tokens_per_s", "mfu", "time_to_train_days"}) {
    INFO(key);
    CHECK(j.contains(key));
    CHECK(j[key].get<double>() > 0);
  }
}

TEST_CASE("the same input gives the same output, byte for byte", "[cli]") {
  CHECK(dtsim("run scenarios/quickstart.yaml --json").out ==
        dtsim("run scenarios/quickstart.yaml --json").out);
}

TEST_CASE("a typo'd key exits 2 with FILE:LINE:COL naming it and a suggestion", "[cli]") {
  const auto o = dtsim("run tests/sim/config/bad/typo_key.yaml", true);
  CHECK(o.status == 2);
  CHECK(o.out.find("tests/sim/config/bad/typo_key.yaml:4:3: error: parallelism.tpp:") != std::string::npos);
  CHECK(o.out.find("did you mean 'tp'?") != std::string::npos);
}

TEST_CASE("overrides given with --set are applied and checked", "[cli]") {
  const auto o = dtsim("run scenarios/quickstart.yaml --json --set parallelism.micro_batch=2");
  REQUIRE(o.status == 0);
  CHECK(nlohmann::json::parse(o.out)["plan"]["micro_batches"] == 48);
  CHECK(dtsim("run scenarios/quickstart.yaml --set parallelism.tp=three").status == 2);
}

TEST_CASE("a missing file and unknown options are bad input (exit 2)", "[cli]") {
  CHECK(dtsim("run no/such/file.yaml").status == 2);
  CHECK(dtsim("run scenarios/quickstart.yaml --no-such-flag").status == 2);
}

TEST_CASE("every subcommand has --help", "[cli]") {
  CHECK(dtsim("--help").status == 0);
  CHECK(dtsim("run --help").status == 0);
}
