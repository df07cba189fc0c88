// The memory verdict in every answer: run's table, JSON and stderr; memory/search/sweep --strict.
// GPT-3 175B (174.6 B parameters) on one H100 without model parallelism needs at least its bf16
// weights, 2 bytes x 174.6e9 = 349 GB, against 80 GB: it cannot fit whatever the activations.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tools/cli_run.hpp"

namespace {

const std::string kOneGpu =
    "scenarios/quickstart.yaml --set cluster.nodes=1 --set parallelism.tp=1 --set "
    "parallelism.pp=1 --set parallelism.dp=8 --set training.global_batch=8";
constexpr double kGiB = 1024.0 * 1024 * 1024;

}  // namespace

TEST_CASE("run marks a plan that does not fit in its table, its JSON and on stderr",
          "[cli][memory]") {
  const auto text = dtsim_cli("run " + kOneGpu);
  CHECK(text.status == 0);  // a result, not an error
  CHECK(text.out.find("DOES NOT FIT") != std::string::npos);
  CHECK(text.out.find("(if it fitted)") != std::string::npos);

  const auto json = dtsim_cli("run " + kOneGpu + " --json");
  REQUIRE(json.status == 0);
  const auto m = nlohmann::json::parse(json.out)["memory"];
  CHECK_FALSE(m["fits"].get<bool>());
  CHECK_FALSE(m["tight"].get<bool>());
  CHECK(m["peak_bytes"].get<double>() > 2 * 174.6e9);  // at least the bf16 weights
  CHECK(m["headroom_bytes"].get<double>() ==
        Approx(m["capacity_bytes"].get<double>() - m["peak_bytes"].get<double>()));

  // The JSON on stdout stays clean (parsed above); the warning is on stderr.
  CHECK(json.out.find("warning") == std::string::npos);
  const auto both = dtsim_cli("run " + kOneGpu + " --json", true);
  CHECK(both.out.find("dtsim run: warning: DOES NOT FIT") != std::string::npos);
}

TEST_CASE("run's JSON memory verdict agrees with dtsim memory, and a roomy plan fits",
          "[cli][memory]") {
  const auto run = dtsim_cli("run scenarios/quickstart.yaml --json");
  const auto mem = dtsim_cli("memory scenarios/quickstart.yaml --json");
  REQUIRE(run.status == 0);
  REQUIRE(mem.status == 0);
  const auto r = nlohmann::json::parse(run.out)["memory"];
  const auto m = nlohmann::json::parse(mem.out);
  const int stage = m["worst_stage"].get<int>();
  CHECK(r["stage"].get<int>() == stage);
  CHECK(r["peak_bytes"].get<double>() == Approx(m["stages"][stage]["total_bytes"].get<double>()));
  // The tight margin is max(3 % of capacity, 2 GiB) (models/memory.hpp).
  const double capacity = r["capacity_bytes"].get<double>();
  CHECK(r["tight_margin_bytes"].get<double>() == Approx(std::max(0.03 * capacity, 2 * kGiB)));
  CHECK(r["fits"].get<bool>() == (r["headroom_bytes"].get<double>() >= 0));
  CHECK(r["verdict"] == "fits");
}

TEST_CASE("strict: memory, search and sweep exit 3 when the answer is no", "[cli][memory]") {
  CHECK(dtsim_cli("memory " + kOneGpu).status == 0);
  CHECK(dtsim_cli("memory " + kOneGpu + " --strict").status == 3);
  CHECK(dtsim_cli("memory scenarios/quickstart.yaml --strict").status == 0);
  // On one node of 8 H100 no plan holds 175 B parameters' model state (16+ bytes a parameter,
  // 2.8 TB, against 8 x 80 GB): search finds none, and --strict says so by its status.
  const std::string one_node =
      "scenarios/quickstart.yaml --set cluster.nodes=1 --set "
      "parallelism.tp=8 --set parallelism.pp=1 --set parallelism.dp=1";
  CHECK(dtsim_cli("search " + one_node + " --strict").status == 3);
  // Every point of a sweep over plans that cannot fit: --strict exits 3, plain sweep exits 0.
  CHECK(dtsim_cli("sweep " + kOneGpu + " --set training.seq_len=1024,2048").status == 0);
  CHECK(dtsim_cli("sweep " + kOneGpu + " --set training.seq_len=1024,2048 --strict").status == 3);
}
