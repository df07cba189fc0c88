// `dtsim validate`: every case is run or listed with its reason, the defaults it applied are
// printed, and --json has the documented shape (tests/tools/data/validation_cases.yaml).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "cli_run.hpp"
#include "temp_file.hpp"

namespace {
const std::string kCases = "tests/tools/data/validation_cases.yaml";
YAML::Node read_yaml_file(const std::string& path) { return YAML::LoadFile(path); }
}  // namespace

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

TEST_CASE("validate reads format v2 as written and fills the rest from the framework", "[cli][validate]") {
  const std::string dir = dtsim::test::temp_path("exported-v2");
  const auto o = dtsim_cli("validate tests/tools/data/validation_cases_v2.yaml --json --export " + dir);
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  REQUIRE(j["cases"].size() == 3);
  CHECK(j["summary"]["run"] == 2);
  const auto gpu = read_yaml_file(dir + "/V2-GPU.yaml");
  const auto par = gpu["parallelism"];
  // overlap.* map onto the scenario's overlap keys; the notes' flags are free text, not read.
  CHECK(par["tp_comm_overlap"].as<bool>() == false);
  CHECK(par["overlap_grad_reduce"].as<bool>() == false);
  // param_gather: null is NeMo's behaviour (overlapped), printed among the defaults.
  CHECK(par["overlap_param_gather"].as<bool>() == true);
  CHECK(par["schedule"].as<std::string>() == "interleaved-1f1b");
  // vpp not published: one layer per chunk, 8 layers / 2 stages = 4 chunks.
  CHECK(par["vpp"].as<int>() == 4);
  // batch.micro is per data-parallel rank, taken as it is.
  CHECK(par["micro_batch"].as<int>() == 2);
  const auto tpu = read_yaml_file(dir + "/V2-TPU.yaml");
  // slices as written; dp stays every data-parallel rank; ZeRO-3 shards over one slice's 64.
  CHECK(tpu["cluster"]["slices"].as<int>() == 2);
  CHECK(tpu["parallelism"]["dp"].as<int>() == 128);
  CHECK(tpu["parallelism"]["zero_shard"].as<int>() == 64);
  CHECK(tpu["parallelism"]["micro_batch"].as<int>() == 8);
  CHECK(tpu["parallelism"]["tp_comm_overlap"].as<bool>() == true);  // XLA, MaxText
  // etp other than tp is not modelled: the case is listed with the reason at its key.
  const std::string why = j["cases"][2]["not_run"];
  CHECK(why.find("parallel.etp") != std::string::npos);
  std::string defaults;
  for (const auto& d : j["cases"][0]["defaults"]) defaults += d.get<std::string>() + "\n";
  CHECK(defaults.find("NeMo run (2024-07): parameter gathers overlapped") != std::string::npos);
}
