// dtsim sweep and dtsim merge as a user meets them: output order on any thread count, shards
// merged back byte for byte, failing points as rows, JSON lines, and bad input (exit 2).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_run.hpp"
#include "sim/study/sweep_scenario.hpp"
#include "temp_file.hpp"

namespace {

// Eight points: 2 tensor-parallel degrees x 2 micro-batch sizes x 2 recompute modes.
const char* kAxes =
    "--set parallelism.tp=1,2 --set parallelism.micro_batch=1,2 --set "
    "parallelism.recompute=none,full";

std::string scenario_file() {
  return dtsim::test::write_temp("cli_sweep_test.yaml", dtsim::test::small_sweep_scenario());
}

std::string sweep(const std::string& args) {
  const auto o = dtsim_cli("sweep " + scenario_file() + " " + args);
  REQUIRE(o.status == 0);
  return o.out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Runs the sweep as `shards` shards, each to its own file, and merges them in reverse order.
std::string sharded_then_merged(const std::string& args, int shards, const std::string& extension) {
  std::string files;
  for (int k = shards; k >= 1; --k) {
    const auto part = dtsim::test::temp_path("part-" + std::to_string(k) + "." + extension);
    const auto o = dtsim_cli("sweep " + scenario_file() + " " + args + " --shard " +
                             std::to_string(k) + "/" + std::to_string(shards) + " > " + part);
    REQUIRE(o.status == 0);
    files += " " + part;
  }
  const auto merged = dtsim_cli("merge" + files);
  REQUIRE(merged.status == 0);
  return merged.out;
}

}  // namespace

TEST_CASE("sweep writes a CSV header and one row per point, in index order", "[sweep][cli]") {
  const auto rows = lines_of(sweep(kAxes));
  REQUIRE(rows.size() == 9);  // the header and 2 x 2 x 2 points
  CHECK(rows[0].rfind("index,parallelism.tp,parallelism.micro_batch,parallelism.recompute,name,",
                      0) == 0);
  CHECK(rows[0].substr(rows[0].size() - 6) == ",error");
  // The first axis varies slowest: point 5 is tp=2 (5 / 4), micro_batch=1 (5 / 2 % 2), full (5 %
  // 2).
  CHECK(rows[6].rfind("5,2,1,full,small sweep,dgx-h100,8,TP2 PP2 DP2 mb1 ZeRO-0 SP full,", 0) == 0);
  CHECK(rows[6].back() == ',');  // no error
}

TEST_CASE("sweep output is the same byte for byte on one thread and on two", "[sweep][cli]") {
  const auto one = sweep(std::string(kAxes) + " --threads 1");
  REQUIRE(lines_of(one).size() == 9);
  CHECK(one == sweep(std::string(kAxes) + " --threads 2"));
  CHECK(sweep(std::string(kAxes) + " --jsonl --threads 1") ==
        sweep(std::string(kAxes) + " --jsonl --threads 2"));
}

TEST_CASE("shards merged equal the unsharded sweep byte for byte, CSV and JSON lines",
          "[sweep][cli]") {
  const auto whole = sweep(kAxes);
  CHECK(sharded_then_merged(kAxes, 3, "csv") == whole);   // uneven: 3, 3 and 2 points
  CHECK(sharded_then_merged(kAxes, 10, "csv") == whole);  // two shards have no points
  CHECK(sharded_then_merged(std::string(kAxes) + " --jsonl", 3, "jsonl") ==
        sweep(std::string(kAxes) + " --jsonl"));
}

TEST_CASE("a point that fails is a row with its error, and the sweep still exits 0",
          "[sweep][cli]") {
  // tp=three is not a number; dp=3 makes tp*pp*dp = 12 on 8 GPUs.
  const auto o = dtsim_cli(
      "sweep " + scenario_file() + " --set parallelism.tp=2,three --set parallelism.dp=2,3", true);
  CHECK(o.status == 0);
  CHECK(o.out.find("dtsim sweep: 3 of 4 points failed") != std::string::npos);
  const auto rows = lines_of(sweep("--set parallelism.tp=2,three --set parallelism.dp=2,3"));
  REQUIRE(rows.size() == 5);
  CHECK(rows[1].rfind("0,2,2,small sweep,", 0) == 0);
  CHECK(rows[1].back() == ',');
  CHECK(rows[2].find("expected tp*pp*dp*cp to equal the cluster's 8 accelerators") !=
        std::string::npos);
  CHECK(rows[3].find("--set 'parallelism.tp=three'") != std::string::npos);
}

TEST_CASE("sweep --jsonl writes one object per point: index, swept keys, figures, error",
          "[sweep][cli]") {
  const auto rows =
      lines_of(sweep("--set parallelism.tp=2,3 --set parallelism.recompute=none,full --jsonl"));
  REQUIRE(rows.size() == 4);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO(rows[i]);
    const auto j = nlohmann::ordered_json::parse(rows[i]);
    auto key = j.items().begin();
    CHECK(key.key() == "index");
    CHECK((++key).key() == "parallelism.tp");
    CHECK((++key).key() == "parallelism.recompute");
    CHECK((++key).key() == "name");
    CHECK(j["index"] == i);
    CHECK(j["parallelism.tp"] == (i < 2 ? 2 : 3));  // a number, as in YAML
    CHECK(j["parallelism.recompute"] == (i % 2 ? "full" : "none"));
    const bool fails = i >= 2;  // tp*pp = 6 does not divide the 8 GPUs
    CHECK(j["error"].is_null() == !fails);
    CHECK(j["step_time_s"].is_null() == fails);
    if (!fails) CHECK(j["step_time_s"].get<double>() > 0);
  }
}

TEST_CASE("a bad sweep is bad input, exit 2", "[sweep][cli]") {
  const std::string file = scenario_file();
  CHECK(dtsim_cli("sweep " + file + " --set parallelism.tp=2").status == 2);  // no axis
  CHECK(dtsim_cli("sweep " + file + " --set parallelism.layers=[1,1,1,1").status == 2);
  CHECK(dtsim_cli("sweep " + file + " --set parallelism.tp").status == 2);
  CHECK(dtsim_cli("sweep no/such/file.yaml --set parallelism.tp=1,2").status == 2);
  CHECK(dtsim_cli("sweep " + file + " --set parallelism.tp=1,2 --shard 3/2").status == 2);
  CHECK(dtsim_cli("sweep " + file + " --set parallelism.tp=1,2 --threads 0").status == 2);
  CHECK(dtsim_cli("sweep " + file + " --set name=a,b").status == 2);  // a column already
}

TEST_CASE("merge reports duplicate and missing points and different headers, exit 2",
          "[sweep][cli]") {
  const std::string file = scenario_file();
  auto shard = [&](const std::string& args, const std::string& name) {
    const auto path = dtsim::test::temp_path(name);
    REQUIRE(dtsim_cli("sweep " + file + " " + args + " > " + path).status == 0);
    return path;
  };
  const auto first = shard("--set parallelism.tp=1,2 --shard 1/2", "m1.csv");
  const auto second = shard("--set parallelism.tp=1,2 --shard 2/2", "m2.csv");
  CHECK(dtsim_cli("merge " + first + " " + second + " --points 2").status == 0);

  const auto duplicate = dtsim_cli("merge " + first + " " + second + " " + first, true);
  CHECK(duplicate.status == 2);
  CHECK(duplicate.out.find("expected each point once, found point 0 also at " + first + ":2") !=
        std::string::npos);

  CHECK(dtsim_cli("merge " + second).status == 2);                 // point 0 is missing
  CHECK(dtsim_cli("merge " + first + " --points 2").status == 2);  // point 1 is missing
  const auto other = shard("--set parallelism.pp=1,2 --shard 2/2", "m3.csv");
  const auto mixed = dtsim_cli("merge " + first + " " + other, true);
  CHECK(mixed.status == 2);
  CHECK(mixed.out.find("expected the header (columns) of " + first) != std::string::npos);
  const auto jsonl = shard("--set parallelism.tp=1,2 --shard 2/2 --jsonl", "m2.jsonl");
  CHECK(dtsim_cli("merge " + first + " " + jsonl).status == 2);  // CSV and JSON lines
}
