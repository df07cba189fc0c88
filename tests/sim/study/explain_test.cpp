// `dtsim explain`: its figures against hand calculations, its sensitivity study against the
// compute model's scaling, and its choice of what bounds the step and what helps most.
#include "dtsim/sim/study/explain.hpp"

#include <catch2/catch.hpp>

#include "dtsim/sim/collective/planner.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "temp_file.hpp"

using namespace dtsim;

namespace {

config::Scenario load(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return config::load_scenario(test::write_temp("explain_test.yaml", yaml), overrides);
}

// A GPT-style model of 2 layers, h = 1024, V = 32,000, s = 1,024 on one DGX H100 node.
const char* kSmall =
    "model: {name: small, layers: 2, hidden: 1024, heads: 8, vocab: 32000, seq_len: 1024}\n"
    "training: {global_batch: 16, seq_len: 1024, precision: bf16}\n"
    "parallelism: {tp: 1, pp: 1, dp: 8, zero: 0}\n"
    "cluster: {system: dgx-h100, nodes: 1}\n";

study::ExplainOptions quick() {
  study::ExplainOptions o;
  o.search = false;
  return o;
}

double value(const study::Explanation& e, const std::string& section, const std::string& key) {
  const auto* s = e.find(section);
  REQUIRE(s != nullptr);
  const auto* i = s->find(key);
  REQUIRE(i != nullptr);
  return i->value;
}

}  // namespace

TEST_CASE("explain: the data-parallel gradient all-reduce sends 2 (d-1)/d of the gradients", "[explain]") {
  study::ExplainOptions o = quick();
  o.sensitivity = false;
  const auto e = study::explain(load(kSmall), o);
  // Parameters (GPT: QKV 3h^2 + 3h, output h^2 + h, MLP 4h-wide 8h^2 + 5h, two LayerNorms 4h):
  //   N = 2 (12 h^2 + 13 h) + V h (tied embedding) + s h (learned positions) + 2 h (final norm)
  //     = 2 (12,582,912 + 13,312) + 32,768,000 + 1,048,576 + 2,048 = 59,011,072.
  const double n = 59011072;
  CHECK(value(e, "comm.dp", "dp.params") == n);
  // ZeRO-0 all-reduces bf16 gradients in fp32: S = 4 N bytes; a ring all-reduce over d = 8 ranks
  // sends 2 (d - 1)/d S from each rank.
  CHECK(value(e, "comm.dp", "dp.gradient_bytes") == Approx(4 * n));
  CHECK(value(e, "comm.dp", "dp.gradient_wire_bytes") == Approx(2.0 * 7 / 8 * 4 * n));
}

TEST_CASE("explain: with context parallelism the gradients are all-reduced over d x cp ranks", "[explain]") {
  study::ExplainOptions o = quick();
  o.sensitivity = false;
  const auto e = study::explain(load(kSmall, {"parallelism.dp=4", "parallelism.cp=2"}), o);
  // CP ranks hold the same weights as their DP peers, each with gradients of its own half of the
  // sequence, so the step builder reduces them over n = d x cp = 4 x 2 = 8 ranks.
  CHECK(value(e, "comm.dp", "dp.ranks") == 8);
  // The parameters do not depend on cp: N = 59,011,072 as above, S = 4 N bytes (fp32), and a
  // ring all-reduce over n = 8 sends 2 (n - 1)/n S = 2 x 7/8 x 4 N from each rank (over the
  // 4 DP ranks alone it would be 2 x 3/4 x 4 N).
  const double n = 59011072;
  CHECK(value(e, "comm.dp", "dp.gradient_bytes") == Approx(4 * n));
  CHECK(value(e, "comm.dp", "dp.gradient_wire_bytes") == Approx(2.0 * 7 / 8 * 4 * n));
}

TEST_CASE("explain: tensor-parallel collectives are b s h 2 bytes, 10 per layer and micro-batch with SP",
          "[explain]") {
  study::ExplainOptions o = quick();
  o.sensitivity = false;
  const auto e = study::explain(load(kSmall, {"parallelism.tp=2", "parallelism.dp=4", "parallelism.sequence_parallel=true"}), o);
  // Each all-gather or reduce-scatter moves one micro-batch's activations in 16 bits:
  // b s h 2 = 1 x 1024 x 1024 x 2 = 2,097,152 bytes.
  CHECK(value(e, "comm.tp", "tp.layer.all-gather") == 2097152);
  CHECK(value(e, "comm.tp", "tp.layer.reduce-scatter") == 2097152);
  // Per layer and micro-batch (layer_program.hpp): forward AG + RS around attention and the MLP
  // (4); backward, per part, the output gradient's AG, the input's AG again for the weight
  // gradient, and the input gradient's RS (6). The embedding adds a forward RS and a backward AG,
  // the output layer a forward AG, a loss all-reduce and a backward RS (5). m = 16 / (1 x 4) = 4:
  //   (10 x 2 layers + 5) x 4 = 100.
  CHECK(value(e, "comm.tp", "tp.collectives_per_step") == 100);
}

TEST_CASE("explain: the bubble's closed form is (p-1)/m, and the ideal-network replay agrees", "[explain]") {
  // An 8-token vocabulary keeps the embedding and output layer negligible, so the one-layer
  // stages are equal; free communication leaves compute (as in the replay's own bubble tests).
  const auto s = load(
      "model: {name: flat, layers: 4, hidden: 4096, heads: 32, vocab: 8, seq_len: 4096}\n"
      "training: {global_batch: 16}\nparallelism: {tp: 1, pp: 4, dp: 2, zero: 1}\n"
      "cluster: {system: dgx-h100, nodes: 1}\nsimulation: {network: ideal}\n");
  study::ExplainOptions o = quick();
  o.sensitivity = false;
  const auto e = study::explain(s, o);
  // p = 4 stages, m = 16 / (1 x 2) = 8 micro-batches: (p - 1)/m = 3/8, or 3/11 of the step.
  CHECK(value(e, "bubble", "bubble.fraction") == Approx(3.0 / 8));
  CHECK(value(e, "bubble", "bubble.share_of_step") == Approx(3.0 / 11));
  CHECK(value(e, "bubble", "bubble.simulated_s") == Approx(value(e, "bubble", "bubble.closed_form_s")).epsilon(0.03));
}

TEST_CASE("explain: +10 % FLOP/s on a compute-bound, ideal-network step is close to 1/1.1", "[explain]") {
  // h = 8192: the GEMMs dominate the layer (the element-wise kernels, bound by HBM, do not speed up).
  const auto s = load(
      "model: {name: wide, layers: 2, hidden: 8192, heads: 64, vocab: 8, seq_len: 4096}\n"
      "training: {global_batch: 8}\nparallelism: {tp: 1, pp: 1, dp: 8, zero: 1}\n"
      "cluster: {system: dgx-h100, nodes: 1}\nsimulation: {network: ideal}\n");
  const auto faster = study::with_more(s, study::Resource::matrix_flops, 1.1);
  REQUIRE(faster);
  CHECK(*faster->cluster.device.peak_flops_per_s.bf16 == Approx(1.1 * *s.cluster.device.peak_flops_per_s.bf16));
  const auto before = training::simulate_step(s), after = training::simulate_step(*faster);
  CHECK(after.breakdown.compute_s / before.breakdown.compute_s == Approx(1 / 1.1).epsilon(0.01));

  const auto e = study::explain(s, quick());
  REQUIRE(e.sensitivity.size() == 4);
  const auto& flops = e.sensitivity[0];
  CHECK(flops.key == "matrix_flops");
  // 1/1.1 - 1 = -9.1 %, less the optimizer step and the element-wise kernels (HBM-bound).
  CHECK(flops.change == Approx(1 / 1.1 - 1).margin(0.01));
  // One node and an ideal network: no scale-out network, and links that change nothing.
  CHECK_FALSE(e.sensitivity[3].applies);
  CHECK(e.sensitivity[2].change == Approx(0).margin(1e-9));
  REQUIRE(e.most_help);
  CHECK(e.most_help->key == "matrix_flops");
  CHECK(e.bound.part == "compute");
}

TEST_CASE("explain: +10 % link bandwidth reaches the cluster the replay builds", "[explain]") {
  // Two DGX H100 nodes; a 1 GiB collective is bandwidth-bound (latency is microseconds of ms).
  const auto s = load(kSmall, {"cluster.nodes=2", "parallelism.dp=16"});
  auto time = [](const config::Scenario& x, std::vector<int> ranks) {
    const auto cluster = config::build_cluster(x);
    collective::Planner planner(cluster, collective::collective_env(x.cluster.system, x.cluster.device));
    return planner.plan({collective::Op::all_gather, 1024.0 * 1024 * 1024, std::move(ranks), {}}).estimate_s;
  };
  const std::vector<int> node{0, 1, 2, 3, 4, 5, 6, 7}, across{0, 8};
  const auto up = study::with_more(s, study::Resource::scale_up_bandwidth, 1.1);
  const auto out = study::with_more(s, study::Resource::scale_out_bandwidth, 1.1);
  REQUIRE(up);
  REQUIRE(out);
  CHECK(time(*up, node) / time(s, node) == Approx(1 / 1.1).epsilon(0.01));
  CHECK(time(*up, across) == Approx(time(s, across)));  // the NIC did not change
  CHECK(time(*out, across) / time(s, across) == Approx(1 / 1.1).epsilon(0.01));
  CHECK(time(*out, node) == Approx(time(s, node)));
  const auto hbm = study::with_more(s, study::Resource::hbm_bandwidth, 1.1);
  REQUIRE(hbm);
  CHECK(hbm->cluster.device.mem_bw_bytes_per_s == Approx(1.1 * s.cluster.device.mem_bw_bytes_per_s));
}

TEST_CASE("explain: a link kind used for scale-up and scale-out changes only where asked", "[explain]") {
  // Gaudi 3 uses its 200G RoCE ports both between the chips of a node and to the network.
  const auto s = load(kSmall, {"cluster.system=gaudi3-hls3", "cluster.nodes=2", "parallelism.dp=16"});
  REQUIRE(s.cluster.system.scale_up.link == s.cluster.system.scale_out.link);
  const auto out = study::with_more(s, study::Resource::scale_out_bandwidth, 1.1);
  REQUIRE(out);
  const auto* nic = out->catalog.find_link(out->cluster.system.scale_out.link);
  const auto* chip = out->catalog.find_link(out->cluster.system.scale_up.link);
  REQUIRE(nic);
  REQUIRE(chip);
  CHECK(nic->bw_bytes_per_s == Approx(1.1 * chip->bw_bytes_per_s));
  CHECK(*chip == *s.catalog.find_link(s.cluster.system.scale_up.link));
}

TEST_CASE("explain: the most helpful change is the largest reduction among those that apply", "[explain]") {
  auto change = [](const char* key, double c, bool applies = true) {
    study::Change x;
    x.key = key;
    x.change = c;
    x.applies = applies;
    return x;
  };
  const auto best = study::most_helpful(
      {change("a", -0.02), change("b", -0.07), change("c", 0.01), change("d", -0.5, false), change("e", -0.05)});
  REQUIRE(best);
  CHECK(best->key == "b");
  CHECK_FALSE(study::most_helpful({change("slower", 0.03)}));
}

TEST_CASE("explain: the bound is the largest part of the breakdown, compute and recompute together", "[explain]") {
  training::StepResult r;
  r.step_time_s = 10;
  r.breakdown.compute_s = 3;
  r.breakdown.recompute_s = 1;   // compute: 4 s
  r.breakdown.bubble_s = 3.5;
  r.breakdown.exposed_dp_s = 1.5;
  const auto b = study::bound_of(r);
  CHECK(b.part == "compute");
  CHECK(b.share == Approx(0.4));
  r.breakdown.bubble_s = 4.5;
  CHECK(study::bound_of(r).part == "pipeline bubble");
}
