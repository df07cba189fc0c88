// Golden figures for scenarios/quickstart.yaml: GPT-3 175B on 1,024 H100 (128 DGX H100), TP8
// PP8 DP16, 1F1B, micro-batch 1 (96 per step), global batch 1536 x 2048, ZeRO-1 with overlapped
// gradient reduce-scatter and parameter all-gather, sequence parallelism, selective recompute.
//
// The per-layer compute times come from the operator model (tested against its own closed forms
// in tests/models); everything else is derived below by hand: the collectives' NCCL costs, the
// 1F1B makespan and the data-parallel head and tail. The replay must agree within 1 %.
#include <catch2/catch.hpp>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/economics.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "dtsim/sim/training/step_result.hpp"

using namespace dtsim;

TEST_CASE("quickstart: step time, throughput, MFU and time-to-train", "[golden]") {
  const auto s = config::load_scenario(std::string(DTSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
  const auto in = training::step_inputs(s);
  const auto r = training::simulate_step(s);

  // Compute per micro-batch on one rank (operator model): a layer forward f, backward b (with
  // the selective recompute), the output layer on the last stage, the embedding on the first.
  const double f = training::compute_seconds(in.layers[0].forward);    // ~1.40 ms
  const double b = training::compute_seconds(in.layers[0].backward);   // ~2.67 ms
  const double head = training::compute_seconds(in.head.forward) + training::compute_seconds(in.head.backward);
  const double emb = training::compute_seconds(in.embedding.forward) + training::compute_seconds(in.embedding.backward);

  // NCCL ring collective over n ranks, Simple protocol (hardware.md 6.5): 8.4 us base, per step
  // 3.4 us on NVLink or 14 us on the network, (n-1)/n S over the slowest link.
  auto ring = [](int n, double bytes, double bw, double hop) {
    return 8.4e-6 + (n - 1) * hop + (n - 1.0) / n * bytes / bw;
  };
  const double nvlink = 18 * 25e9 * 0.822;  // per GPU, achievable (catalog)
  const double nic = 50e9 * 0.94;           // one 400G NDR NIC per GPU (rail), achievable
  // Tensor parallelism, a micro-batch's activations S = 2048 x 12288 x 2 B: per layer 4
  // all-gathers/reduce-scatters forward and 2 all-gathers backward on the critical path (the
  // backward's re-gather and input-gradient reduce-scatter run under the dgrad/wgrad GEMMs).
  const double S = 2048.0 * 12288 * 2;
  const double tp = ring(8, S, nvlink, 3.4e-6);                         // ~0.151 ms
  const double layer = f + b + 6 * tp;
  // Last stage: the output layer, its input all-gather and gradient reduce-scatter and the
  // cross-entropy's small all-reduce; first stage: the embedding's reduce-scatter and gather.
  const double ce = 8.4e-6 + 14 * 1.9e-6;                               // 24.6 kB: latency (LL128)
  const double last = 12 * layer + head + 2 * tp + ce;
  const double first = 12 * layer + emb + 2 * tp;
  const double middle = 12 * layer;
  // 1F1B: fill and drain through every stage, 95 more micro-batches at the slowest (the last);
  // 14 pipeline hops of S/8 over one NIC on the critical path.
  const double p2p = 8.4e-6 + 14e-6 + S / 8 / nic;
  const double pipeline = first + 6 * middle + last + 95 * last + 14 * p2p;
  // ZeRO-1 over 16 ranks (one per node, on one rail): a stage-0 layer holds 226.6M parameters
  // on each rank, the embedding 103.8M. Parameters are gathered (bf16) bucket by bucket at the
  // start: each layer is its own bucket (over Megatron's 40M), and the first micro-batch's
  // forward on stage 0 waits for all 12 gathers in turn rather than 12 forward layers.
  const double layer_params = 226.6e6, emb_params = 103.8e6;
  const double gather = ring(16, layer_params * 2, nic, 14e-6);       // ~9.3 ms
  const double head_start = 12 * gather - 12 * (f + 4 * tp);
  // Gradients (fp32) are reduce-scattered layer by layer during stage 0's last backward (12
  // layers of b + 2 tp), queueing, then the embedding's; then Adam on 1/16 of the stage
  // (30 B a parameter at 90 % of 3.35 TB/s).
  const double reduce = 12 * ring(16, layer_params * 4, nic, 14e-6) + ring(16, emb_params * 4, nic, 14e-6);
  const double tail = reduce - 11 * (b + 2 * tp) - emb;
  const double adam = (12 * layer_params + emb_params) / 16 * 30 / (3.35e12 * 0.90);
  const double step = pipeline + head_start + tail + adam;  // ~6.61 s

  CHECK(r.step_time_s == Approx(step).epsilon(0.01));
  const double tokens = 1536.0 * 2048;
  CHECK(r.tokens_per_s == Approx(tokens / r.step_time_s).epsilon(1e-12));
  // MFU: Megatron's model FLOPs 72 B s l h^2 (1 + s/6h + V/12lh) over 1,024 x 989.4 TFLOP/s.
  const double h = 12288, seq = 2048, V = 51200;
  const double model_flops = 72 * 1536 * seq * 96 * h * h * (1 + seq / (6 * h) + V / (12 * 96 * h));
  CHECK(r.mfu == Approx(model_flops / (step * 1024 * 989.4e12)).epsilon(0.01));
  // Ideal time to train: the 300e9-token budget over tokens per step, step by step.
  CHECK(study::economics(s, r).time_to_train_s == Approx(300e9 / tokens * step).epsilon(0.01));
  // Exposed tensor-parallel time: 6 collectives per layer per micro-batch on every rank, plus
  // the first and last stages' two each per micro-batch, averaged over the 8 stages.
  CHECK(r.breakdown.exposed_tp_s == Approx(96 * (12 * 6 * tp + 4.0 / 8 * tp)).epsilon(0.02));
  CHECK(r.breakdown.total() == Approx(r.step_time_s).epsilon(1e-9));
  CHECK(r.memory.fits());
}
