// Golden figures for scenarios/quickstart.yaml (GPT-3 175B, 1,024 H100, TP8 PP8 DP16, 1F1B,
// micro-batch 1, global batch 1536 x 2048, ZeRO-1, sequence parallel, selective recompute),
// derived by hand below from the catalog's datasheet figures and the closed forms the first
// model uses. The replay must agree within 1 %: what it adds beyond these formulas is the
// pipeline's p2p latencies in warm-up and drain.
#include <catch2/catch.hpp>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/step_result.hpp"

using namespace dtsim;

TEST_CASE("quickstart: step time, throughput, MFU and time-to-train", "[golden]") {
  const auto s = config::load_scenario(std::string(DTSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
  const auto r = training::simulate_step(s);

  // Compute rate: H100 dense BF16 989.4 TFLOP/s x MAMF fraction 0.803 = 794.5 TFLOP/s.
  const double rate = 989.4e12 * 0.803;
  const double h = 12288, seq = 2048, V = 51200, layers_per_stage = 12;
  // Forward FLOPs per token per layer: QKV 6h^2, output 2h^2, attention 4 s h, MLP 16 h^2.
  const double layer_flops = 6 * h * h + 2 * h * h + 4 * seq * h + 16 * h * h;
  const double tokens = seq / 8;  // per rank per micro-batch (TP 8)
  const double fwd = layer_flops * tokens / rate;            // 1.2001 ms
  const double recompute = 4 * seq * h * tokens / rate;      // attention core again: 0.032 ms
  // Sequence-parallel TP: 4 all-gathers/reduce-scatters forward, 4 backward, each of the
  // micro-batch's activations S = s h 2 bytes over 8 GPUs: 7/8 S/B + 7 a with
  // B = 18 NVLink4 x 25 GB/s x 0.822 and a = 1.9 us.
  const double S = seq * h * 2;
  const double tp = 7.0 / 8 * S / (18 * 25e9 * 0.822) + 7 * 1.9e-6;
  const double per_layer = 3 * fwd + recompute + 8 * tp;     // forward + 2x backward + comm
  const double stage = layers_per_stage * per_layer;          // 56.30 ms per micro-batch
  const double logits = 3 * 2 * h * V * tokens / rate;        // last stage only: 1.22 ms
  // 1F1B: the slowest (last) stage runs all 96 micro-batches; the other 7 stages add one
  // micro-batch each to fill and drain; 14 p2p hops of S/8 over one 400G NIC (47 GB/s) each.
  const double p2p = S / 8 / 47e9 + 4e-6;
  const double pipeline = 96 * (stage + logits) + 7 * stage + 14 * p2p;  // 5.918 s
  // Then stage 0 (the last to finish) reduce-scatters fp32 gradients over 16 ranks, updates its
  // shard (30 B/param at 90% of 3.35 TB/s) and all-gathers bf16 parameters.
  const double params = (12 * (12 * h * h + 13 * h) + (V + seq) * h) / 8;  // 2.80e9 per GPU
  const double nic = 47e9;
  const double dp = 15.0 / 16 * params * 4 / nic + 15 * 4e-6 +            // reduce-scatter
                    params / 16 * 30 / (3.35e12 * 0.90) +                 // Adam on the shard
                    15.0 / 16 * params * 2 / nic + 15 * 4e-6;             // all-gather
  const double step = pipeline + dp;  // 6.255 s

  CHECK(r.step_time_s == Approx(step).epsilon(0.01));
  const double tokens_per_step = 1536 * 2048;
  CHECK(r.tokens_per_s == Approx(tokens_per_step / step).epsilon(0.01));
  // MFU: model FLOPs 72 B s l h^2 (1 + s/6h + V/12lh) over 1,024 x 989.4 TFLOP/s.
  const double model_flops =
      72 * 1536 * seq * 96 * h * h * (1 + seq / (6 * h) + V / (12 * 96 * h));
  CHECK(r.mfu == Approx(model_flops / (step * 1024 * 989.4e12)).epsilon(0.01));
  CHECK(r.time_to_train_s / 86400 == Approx(300e9 / (tokens_per_step / step) / 86400).epsilon(0.01));
  // The breakdown adds up to the step time.
  CHECK(r.breakdown.total() == Approx(r.step_time_s).epsilon(1e-9));
}
