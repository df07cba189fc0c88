// Inputs that once overflowed a count or ran out of memory (tests/tools/data/repro/, copied from
// the reports): each ends in a correct result or a clear exit-2 refusal with its estimate.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"

namespace {

const std::string kRepro = "tests/tools/data/repro/";

// A command under a shell's `ulimit -v` (KiB of address space), stderr folded in.
CliOutcome dtsim_cli_limited(const std::string& args, long kib) {
  return dtsim_cli(args, true, "ulimit -v " + std::to_string(kib) + " && ");
}

}  // namespace

TEST_CASE("2^31 micro-batches a step are refused, not wrapped round", "[cli][scale]") {
  // 34,359,738,368 sequences / (1 x dp 16) = 2^31 micro-batches; each of the 8 folded stages
  // runs 12 layers' tasks per micro-batch: far past the step graph's 2^31 - 1 task ids, so
  // even a budget of 1,000 TiB does not let it through.
  const auto o = dtsim_cli(
      "run " + kRepro + "run-2pow31-microbatches-wrong-result.yaml --max-memory '1000 TiB'", true);
  CHECK(o.status == 2);
  CHECK_THAT(o.out, Catch::Contains("training.global_batch") &&
                        Catch::Contains("2147483648 micro-batches") && Catch::Contains("32-bit"));
  // 16 x (2^31 - 1) sequences: 2^31 - 1 micro-batches once ran for ever.
  const auto m = dtsim_cli(
      "run " + kRepro +
          "run-2pow31-microbatches-wrong-result.yaml --set training.global_batch=34359738352",
      true);
  CHECK(m.status == 2);
  CHECK_THAT(m.out, Catch::Contains("2147483647 micro-batches"));
}

TEST_CASE("8,193 DGX H100 nodes run, as fast as 8,192", "[cli][scale]") {
  // The 65,544-GPU cluster of the report (one node past 64 pods of 32 leaves) now routes; one
  // node more changes the data-parallel all-reduce over 65,536 -> 65,544 ranks by about 0.01 %
  // in volume, so the step time must match the 8,192-node run to within 1 %.
  const auto big = dtsim_cli("run " + kRepro + "run-8193-nodes-route-internal-error.yaml --json");
  REQUIRE(big.status == 0);
  const auto ref = dtsim_cli("run " + kRepro +
                             "run-8193-nodes-route-internal-error.yaml --json "
                             "--set cluster.nodes=8192 --set training.global_batch=65536");
  REQUIRE(ref.status == 0);
  const double t = nlohmann::json::parse(big.out)["step_time_s"].get<double>();
  const double t_ref = nlohmann::json::parse(ref.out)["step_time_s"].get<double>();
  CHECK(t > 0);
  CHECK(t == Approx(t_ref).epsilon(0.01));
}

TEST_CASE("10,000 micro-batches past the budget are refused with the estimate", "[cli][scale]") {
  // 10,000 micro-batches x 8 folded stages, 2,137 tasks each per micro-batch at ~410
  // bytes: about 9 GB, far past 1 GiB.
  const auto o = dtsim_cli(
      "run " + kRepro + "run-many-microbatches-unbounded-memory.yaml --max-memory '1 GiB'", true);
  CHECK(o.status == 2);
  CHECK_THAT(o.out, Catch::Contains("simulation.max_memory") && Catch::Contains("within 1 GiB") &&
                        Catch::Contains("10000 micro-batches x 8 simulated ranks") &&
                        Catch::Contains("fewer micro-batches"));
}

TEST_CASE("an unfolded 1,024-GPU step under an 8 GiB address limit is refused cleanly",
          "[cli][scale]") {
  // It peaks at 7.3 GB (the report); the default budget is half of the 8 GiB limit (or less,
  // on a machine with less available).
  const auto o =
      dtsim_cli_limited("run " + kRepro + "run-nofold-1024-gpus-bad-alloc.yaml", 8388608);
  CHECK(o.status == 2);
  CHECK_THAT(o.out, Catch::Contains("training.global_batch") &&
                        Catch::Contains("simulates within") &&
                        Catch::Contains("1024 simulated ranks") &&
                        Catch::Contains("simulation.fold: true"));
  CHECK_THAT(o.out, !Catch::Contains("internal error"));
}

TEST_CASE("search with 15.6e12 sequences a step refuses to replay it", "[cli][scale]") {
  const auto o = dtsim_cli("search " + kRepro + "search-huge-global-batch-bad-alloc.yaml", true);
  CHECK(o.status == 2);
  CHECK_THAT(o.out, Catch::Contains("training.global_batch") && Catch::Contains("32-bit"));
}

TEST_CASE("topology of a million nodes is refused at once, with the reason", "[cli][scale]") {
  // 1,000,000 DGX nodes: 250,000 leaves in 7,813 pods of 32, past the 126 a 3-tier fabric of
  // 64-port switches can join (cluster_test.cpp derives both).
  const auto o = dtsim_cli("topology dgx-h100 --nodes 1000000", true);
  CHECK(o.status == 2);
  CHECK_THAT(o.out, Catch::Contains("needs 7813 pods"));
  // A buildable size past a small budget: 16,000 nodes, 128,000 GPUs, 5 links each (see
  // cluster_test.cpp) at ~540 bytes a link, about 330 MiB.
  const auto m = dtsim_cli("topology dgx-h100 --nodes 16000 --max-memory '10 MiB'", true);
  CHECK(m.status == 2);
  CHECK_THAT(m.out, Catch::Contains("--max-memory") && Catch::Contains("128000 accelerators"));
}

TEST_CASE("the --max-memory flag takes a byte quantity", "[cli][scale]") {
  const auto o = dtsim_cli("run scenarios/quickstart.yaml --max-memory lots", true);
  CHECK(o.status == 2);
  CHECK_THAT(o.out, Catch::Contains("simulation.max_memory"));
  CHECK(dtsim_cli("run scenarios/quickstart.yaml --max-memory '2 GiB'").status == 0);
}
