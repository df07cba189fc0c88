// The step replay in the cases whose answer is known in closed form, and folding.
#include <catch2/catch.hpp>

#include "dtsim/sim/collective/measure.hpp"
#include "dtsim/sim/collective/network_runner.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/executor.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "dtsim/sim/training/step_result.hpp"
#include "temp_file.hpp"

using namespace dtsim;
using namespace dtsim::training;

namespace {

config::Scenario scenario(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return config::load_scenario(test::write_temp("step_replay_test.yaml", yaml), overrides);
}

// A 32-layer model whose every layer takes 1 ms forward and 2 ms backward and holds `params`
// parameters; no embedding or output-layer work.
StepInputs uniform(const config::Scenario& s, double params = 0) {
  StepInputs in = step_inputs(s);
  for (auto& layer : in.layers) {
    layer = BlockProgram{};
    layer.forward.push_back(Step{Step::Kind::compute, Category::compute, 1e-3});
    layer.backward.push_back(Step{Step::Kind::compute, Category::compute, 2e-3});
    layer.params = params;
  }
  in.embedding = BlockProgram{};
  in.head = BlockProgram{};
  return in;
}

Breakdown replay_ideal(const config::Scenario& s, const StepInputs& in) {
  const StepGraph g = build_step(s, in);
  engine::Engine e;
  collective::IdealRunner runner(e);
  return mean_breakdown(g, replay(g, runner, e));
}

const char* kModel =
    "model: {name: uniform, layers: 32, hidden: 4096, heads: 32, vocab: 32000, seq_len: 2048}\n";

}  // namespace

TEST_CASE("with free communication the 1F1B bubble is (p-1)/m of the work", "[replay]") {
  // Narayanan et al. 2021, Sec. 2.2.1: bubble time fraction (p-1)/m for GPipe and 1F1B.
  for (const char* schedule : {"1f1b", "gpipe"}) {
    INFO(schedule);
    const auto s = scenario(std::string(kModel) +
                            "training: {global_batch: 16}\n"
                            "parallelism: {tp: 1, pp: 4, schedule: " + schedule + "}\n"
                            "cluster: {system: dgx-h100, accelerators: 8}\n"
                            "simulation: {network: ideal}\n");
    const auto b = replay_ideal(s, uniform(s));
    const double p = 4, m = 8;  // dp = 2: 16 / 2 micro-batches
    CHECK(b.bubble_s / b.compute_s == Approx((p - 1) / m).epsilon(1e-9));
  }
}

TEST_CASE("interleaving v chunks shrinks the bubble to (p-1)/(v m)", "[replay]") {
  // Narayanan et al. 2021, Sec. 2.2.2, with m a multiple of p.
  const auto s = scenario(std::string(kModel) +
                          "training: {global_batch: 16}\n"
                          "parallelism: {tp: 1, pp: 4, vpp: 4}\n"
                          "cluster: {system: dgx-h100, accelerators: 8}\n"
                          "simulation: {network: ideal}\n");
  const auto b = replay_ideal(s, uniform(s));
  const double p = 4, m = 8, v = 4;
  CHECK(b.bubble_s / b.compute_s == Approx((p - 1) / (v * m)).epsilon(1e-9));
}

TEST_CASE("a data-parallel all-reduce shorter than the backward is hidden but for its last bucket",
          "[replay]") {
  // Two DGX H100 nodes, tp 8, dp 2: each layer's 20M fp32 gradients (80 MB) are one bucket,
  // all-reduced between the nodes (~1.7 ms on one 400G NIC per GPU) while the 2 ms backward of
  // the next layer down runs. Every bucket but the last hides; the last follows the last layer.
  const std::string yaml = std::string(kModel) +
                           "training: {global_batch: 2}\n"
                           "parallelism: {tp: 8, pp: 1, bucket_size: 20e6}\n"
                           "cluster: {system: dgx-h100, nodes: 2}\n";
  const auto s = scenario(yaml);
  const auto in = uniform(s, 20e6);
  const StepGraph g = build_step(s, in);
  engine::Engine e;
  const auto cluster = config::build_cluster(s);
  collective::Planner planner(cluster, collective::collective_env(s.cluster.system, s.cluster.device));
  auto net = network::make_network(network::Mode::flow, e, collective::link_capacities(cluster));
  collective::NetworkRunner runner(e, *net, planner);
  const auto b = mean_breakdown(g, replay(g, runner, e));
  // One bucket alone: all-reduce of 20M x 4 bytes between the two nodes (ranks 0 and 8) with
  // its 7 sibling groups (the other TP ranks) on the other rails.
  collective::CommSpec bucket{collective::Op::all_reduce, 20e6 * 4, {0, 8}, {0, 1, 2, 3, 4, 5, 6, 7}};
  collective::Planner fresh(cluster, collective::collective_env(s.cluster.system, s.cluster.device));
  const double one = collective::measure(bucket, fresh, network::Mode::flow).time_s;
  REQUIRE(one < 2e-3);  // shorter than a layer's backward: the premise
  CHECK(b.exposed_dp_s == Approx(one).epsilon(0.05));  // only the last bucket shows

  // Without overlap the whole reduction (32 buckets' worth in one all-reduce) is exposed.
  const auto serial = scenario(yaml, {"parallelism.overlap_grad_reduce=false"});
  const StepGraph g2 = build_step(serial, uniform(serial, 20e6));
  engine::Engine e2;
  auto net2 = network::make_network(network::Mode::flow, e2, collective::link_capacities(cluster));
  collective::NetworkRunner runner2(e2, *net2, planner);
  const auto b2 = mean_breakdown(g2, replay(g2, runner2, e2));
  collective::CommSpec all = bucket;
  all.bytes *= 32;
  const double whole = collective::measure(all, fresh, network::Mode::flow).time_s;
  CHECK(b2.exposed_dp_s == Approx(whole).epsilon(0.05));
}

TEST_CASE("folded and unfolded replays agree on 64 GPUs", "[replay][fold]") {
  // 8 DGX H100 nodes, TP4 PP2 DP8, ZeRO-1, sequence parallel, flow network: one simulated rank
  // per stage carrying its peers' collectives as replicas, against all 64 ranks.
  const std::string yaml =
      "model: {name: small, layers: 8, hidden: 2048, heads: 16, vocab: 32000, seq_len: 2048}\n"
      "training: {global_batch: 64}\n"
      "parallelism: {tp: 4, pp: 2, dp: 8, zero: 1}\n"
      "cluster: {system: dgx-h100, nodes: 8}\n";
  const auto folded = simulate_step(scenario(yaml));
  const auto unfolded = simulate_step(scenario(yaml, {"simulation.fold=false"}));
  CHECK(folded.simulated_ranks == 2);
  CHECK(unfolded.simulated_ranks == 64);
  CHECK(unfolded.step_time_s == Approx(folded.step_time_s).epsilon(1e-6));
  CHECK(unfolded.breakdown.exposed_tp_s == Approx(folded.breakdown.exposed_tp_s).epsilon(1e-6));
  CHECK(unfolded.breakdown.exposed_dp_s == Approx(folded.breakdown.exposed_dp_s).epsilon(1e-6));
}

TEST_CASE("the breakdown adds up to the step time", "[replay]") {
  const auto r = simulate_step(scenario(
      std::string(kModel) + "training: {global_batch: 64}\nparallelism: {tp: 2, pp: 2, zero: 1}\n"
                            "cluster: {system: dgx-h100, nodes: 2}\n"));
  CHECK(r.breakdown.total() == Approx(r.step_time_s).epsilon(1e-9));
}
