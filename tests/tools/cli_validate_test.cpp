// `dtsim validate`: every case is run or listed with its reason, the defaults it applied are
// printed, and --json has the documented shape (tests/tools/data/validation_cases.yaml).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "temp_file.hpp"

namespace {
const std::string kCases = "tests/tools/data/validation_cases.yaml";
}

TEST_CASE("validate --json: cases with measured, predicted and error, and a summary", "[cli][validate]") {
  const auto o = dtsim_cli("validate " + kCases + " --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  REQUIRE(j["cases"].size() == 2);
  const auto& ran = j["cases"][0];
  CHECK(ran["id"] == "SMALL-RUNS");
  CHECK(ran["measured_s"] == 0.05);
  const double predicted = ran["predicted_s"];
  // The error is signed and a fraction: (predicted - measured) / measured.
  CHECK(ran["error"].get<double>() == Approx((predicted - 0.05) / 0.05));
  // micro: null became the documented default, and says so.
  bool micro_default = false;
  for (const auto& d : ran["defaults"]) micro_default |= d.get<std::string>().find("micro_batch = 1") != std::string::npos;
  CHECK(micro_default);
  // tp*pp*dp = 16 on 8 GPUs cannot run: listed with the reason and the case's line, not dropped.
  const auto& not_run = j["cases"][1];
  CHECK(not_run["id"] == "SMALL-MISMATCH");
  CHECK(not_run["predicted_s"].is_null());
  const std::string why = not_run["not_run"];
  CHECK(why.find("validation_cases.yaml:18:") != std::string::npos);
  CHECK(why.find("tp*pp*dp*cp") != std::string::npos);
  const auto& s = j["summary"];
  CHECK(s["cases"] == 2);
  CHECK(s["run"] == 1);
  // One case ran: median, p90 and max of one absolute error are that error.
  CHECK(s["median_abs_error"].get<double>() == Approx(std::abs(ran["error"].get<double>())));
  CHECK(s["p90_abs_error"] == s["max_abs_error"]);
}

TEST_CASE("validate prints the table, the cases not run and the defaults applied", "[cli][validate]") {
  const auto o = dtsim_cli("validate " + kCases);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("2 cases, 1 run: median |error|") != std::string::npos);
  CHECK(o.out.find("not run\n  SMALL-MISMATCH:") != std::string::npos);
  CHECK(o.out.find("defaults applied to null fields\n  SMALL-RUNS:") != std::string::npos);
}

TEST_CASE("validate --export writes each runnable case as a scenario that dtsim run accepts",
          "[cli][validate]") {
  const std::string dir = dtsim::test::temp_path("exported");
  REQUIRE(dtsim_cli("validate " + kCases + " --export " + dir).status == 0);
  CHECK(std::filesystem::exists(dir + "/SMALL-RUNS.yaml"));
  CHECK_FALSE(std::filesystem::exists(dir + "/SMALL-MISMATCH.yaml"));
  const auto run = dtsim_cli("run " + dir + "/SMALL-RUNS.yaml --json");
  REQUIRE(run.status == 0);
  const auto validated = nlohmann::json::parse(dtsim_cli("validate " + kCases + " --json").out);
  CHECK(nlohmann::json::parse(run.out)["step_time_s"].get<double>() ==
        Approx(validated["cases"][0]["predicted_s"].get<double>()).epsilon(1e-9));
}

TEST_CASE("validate of a file that is not a list of cases is bad input (exit 2)", "[cli][validate]") {
  CHECK(dtsim_cli("validate scenarios/quickstart.yaml").status == 2);
  CHECK(dtsim_cli("validate no/such/file.yaml").status == 2);
}
