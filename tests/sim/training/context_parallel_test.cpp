// Context parallelism against data parallelism. CP ranks hold the same weights and each
// computes gradients on its own chunk of the sequence, so gradients are reduced, and ZeRO
// shards the state, over the dp x cp ranks (Megatron-LM's data-parallel group with context
// parallelism), the group models/memory.cpp shards over.
#include <catch2/catch.hpp>

#include "dtsim/sim/collective/alpha_beta.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "dtsim/sim/training/executor.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "dtsim/sim/training/step_result.hpp"
#include "temp_file.hpp"

using namespace dtsim;
using namespace dtsim::training;

namespace {

config::Scenario scenario(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return config::load_scenario(test::write_temp("context_parallel_test.yaml", yaml), overrides);
}

constexpr double kLayers = 32, kLayerParams = 20e6;
constexpr double kBandwidth = 100e9;  // bytes/s each rank pushes, in the alpha-beta runner below

// 32 layers of 1 ms forward and 2 ms backward, 20M parameters each; no embedding or output-layer
// work, so no TP or CP traffic: every collective is a data-parallel one.
StepInputs uniform(const config::Scenario& s) {
  StepInputs in = step_inputs(s);
  for (auto& layer : in.layers) {
    layer = BlockProgram{};
    layer.forward.push_back(Step{Step::Kind::compute, Category::compute, 1e-3});
    layer.backward.push_back(Step{Step::Kind::compute, Category::compute, 2e-3});
    layer.params = kLayerParams;
  }
  in.embedding = BlockProgram{};
  in.head = BlockProgram{};
  return in;
}

// Every collective priced in closed form (alpha_beta.hpp) inside one node at kBandwidth, with no
// latency: an all-reduce of S bytes over n ranks takes 2 (n-1)/n S / B, a reduce-scatter or an
// all-gather (n-1)/n S / B.
Breakdown replay_alpha_beta(const config::Scenario& s) {
  const StepGraph g = build_step(s, uniform(s));
  engine::Engine e;
  collective::AlphaBetaRunner runner(e, collective::NodeLinks{8, kBandwidth, 0, 0, 0});
  return mean_breakdown(g, replay(g, runner, e));
}

// dp 2 on the 8 GPUs of one DGX H100 node: cp 1 with tp 4, or cp 2 with tp 2 (the layers above
// run no TP traffic and hold 20M parameters per rank either way); gradients reduced once, after
// the backward, and ZeRO-1/2 parameters gathered after the optimizer.
std::string plan_yaml(int cp, int zero) {
  return "model: {name: uniform, layers: 32, hidden: 4096, heads: 32, vocab: 32000, seq_len: 2048}\n"
         "training: {global_batch: 2}\n"
         "parallelism: {tp: " + std::to_string(4 / cp) + ", pp: 1, cp: " + std::to_string(cp) + ", zero: " + std::to_string(zero) +
         ", overlap_grad_reduce: false, overlap_param_gather: false}\n"
         "cluster: {system: dgx-h100, nodes: 1}\n";
}

}  // namespace

TEST_CASE("with cp 2 the data-parallel gradient all-reduce spans dp x cp ranks", "[replay][cp]") {
  // ZeRO 0: one all-reduce of S = 32 layers x 20M parameters x 4 bytes (fp32 gradients)
  // = 2.56 GB, all of it exposed (the optimizer waits for it). Over n = dp cp = 4 ranks:
  // 2 (n-1)/n S / B = 1.5 x 2.56e9 / 100e9 = 38.4 ms. Over the 2 dp ranks alone it would be
  // 1.0 x 2.56e9 / 100e9 = 25.6 ms, and the CP ranks' gradients would never be summed.
  const auto s = scenario(plan_yaml(2, 0));
  REQUIRE(s.plan.dp == 2);
  REQUIRE(s.plan.cp == 2);
  const double bytes = kLayers * kLayerParams * 4, n = 4;
  CHECK(replay_alpha_beta(s).exposed_dp_s == Approx(2 * (n - 1) / n * bytes / kBandwidth).epsilon(1e-6));
  CHECK(replay_alpha_beta(s).exposed_dp_s == Approx(0.0384).epsilon(1e-6));
}

TEST_CASE("with cp 2 ZeRO-1 reduce-scatters gradients and gathers parameters over dp x cp",
          "[replay][cp]") {
  // Reduce-scatter of the 2.56 GB of fp32 gradients, then (after the optimizer) all-gather of
  // the 1.28 GB of 16-bit parameters, each (n-1)/n x bytes / B over n = 4 ranks:
  // 0.75 x (2.56e9 + 1.28e9) / 100e9 = 28.8 ms exposed (over 2 ranks: 0.5 x ... = 19.2 ms).
  const auto s = scenario(plan_yaml(2, 1));
  const double n = 4, bytes = kLayers * kLayerParams * (4 + 2);
  CHECK(replay_alpha_beta(s).exposed_dp_s == Approx((n - 1) / n * bytes / kBandwidth).epsilon(1e-6));
}

TEST_CASE("ZeRO-1 optimizer work halves from cp 1 to cp 2 at equal dp", "[replay][cp]") {
  // Adam over the rank's shard of the P = 640M parameters, P / (dp cp) of them, as memory counts
  // its state; it reads the gradient (4 bytes), master weight and both moments (12) and writes
  // the three (12) and the 16-bit weight (2): 30 bytes per parameter (models/operators.cpp),
  // memory-bound on an H100: t = 30 P / (dp cp) / (HBM bytes/s x efficiency) + one launch.
  const auto one = scenario(plan_yaml(1, 1));
  const auto two = scenario(plan_yaml(2, 1));
  const auto device = device_compute(one.cluster.device);
  const double launch = device.launch_overhead_s, hbm = device.hbm_bytes_per_s * device.hbm_efficiency;
  const double params = kLayers * kLayerParams;
  const double t1 = replay_alpha_beta(one).optimizer_s, t2 = replay_alpha_beta(two).optimizer_s;
  CHECK(t1 == Approx(30 * params / 2 / hbm + launch).epsilon(1e-6));
  CHECK(t2 == Approx(30 * params / 4 / hbm + launch).epsilon(1e-6));
  CHECK(t2 - launch == Approx((t1 - launch) / 2).epsilon(1e-6));
}

TEST_CASE("folded and unfolded replays agree with context parallelism", "[replay][fold][cp]") {
  // 4 DGX H100 nodes, TP4 PP2 CP2 DP2, flow network: the data-parallel groups of 4 ranks (two
  // CP ranks in each of two DP replicas) fold into one per stage, with the other TP positions'
  // groups as replicas. ZeRO 1, and ZeRO 3 sharded over zero_shard 1 x cp 2 ranks with the
  // shards all-reduced across the 2 DP replicas (HSDP).
  const std::string yaml =
      "model: {name: small, layers: 8, hidden: 2048, heads: 16, vocab: 32000, seq_len: 4096}\n"
      "training: {global_batch: 8}\n"
      "parallelism: {tp: 4, pp: 2, cp: 2, zero: 1}\n"
      "cluster: {system: dgx-h100, nodes: 4}\n";
  for (const std::vector<std::string>& zero :
       {std::vector<std::string>{}, std::vector<std::string>{"parallelism.zero=3", "parallelism.zero_shard=1"}}) {
    INFO((zero.empty() ? "ZeRO-1" : "ZeRO-3, HSDP"));
    auto unfold = zero;
    unfold.push_back("simulation.fold=false");
    const auto s = scenario(yaml, zero);
    REQUIRE(s.plan.dp == 2);
    const auto folded = simulate_step(s);
    const auto unfolded = simulate_step(scenario(yaml, unfold));
    CHECK(folded.simulated_ranks == 2);
    CHECK(unfolded.simulated_ranks == 32);
    CHECK(unfolded.step_time_s == Approx(folded.step_time_s).epsilon(1e-6));
    CHECK(unfolded.breakdown.exposed_cp_s == Approx(folded.breakdown.exposed_cp_s).epsilon(1e-6));
    CHECK(unfolded.breakdown.exposed_dp_s == Approx(folded.breakdown.exposed_dp_s).epsilon(1e-6));
    CHECK(unfolded.breakdown.optimizer_s == Approx(folded.breakdown.optimizer_s).epsilon(1e-6));
  }
}
