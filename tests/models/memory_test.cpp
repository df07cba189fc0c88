#include "dtsim/models/memory.hpp"

#include <catch2/catch.hpp>

#include "zoo_model.hpp"

using namespace dtsim;
using models::Recompute;
using models::Schedule;
using test::zoo_model;

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

models::TrainingSetup training(std::int64_t global_batch, int seq_len) {
  models::TrainingSetup t;
  t.global_batch = global_batch;
  t.seq_len = seq_len;
  return t;
}

models::ParallelPlan plan(const models::ModelSpec& m, int tp, int pp, int dp, int zero) {
  models::ParallelPlan p;
  p.tp = tp;
  p.pp = pp;
  p.dp = dp;
  p.zero = zero;
  p.sequence_parallel = tp > 1;
  p.chunk_layers = models::split_layers(m.layers, pp);
  return p;
}

models::MemoryOptions zero_paper() {
  models::MemoryOptions o;
  o.layout = models::StateLayout::zero_paper;
  return o;
}

}  // namespace

TEST_CASE("mixed-precision Adam: 16 bytes per parameter (ZeRO), 18 as Megatron-LM keeps bf16",
          "[models][memory]") {
  using models::Precision;
  // Rajbhandari et al. 2020, Sec. 3.1: 2 (fp16 weights) + 2 (fp16 grads) + 12 (fp32 Adam).
  CHECK(models::state_bytes_per_param(Precision::bf16, models::StateLayout::zero_paper).total() ==
        16);
  // Megatron-Core distributed optimizer docs: bf16 + fp32 grads 18, fp16 20, fp32 16.
  CHECK(models::state_bytes_per_param(Precision::bf16, models::StateLayout::megatron).total() ==
        18);
  CHECK(models::state_bytes_per_param(Precision::fp16, models::StateLayout::megatron).total() ==
        20);
  CHECK(models::state_bytes_per_param(Precision::fp32, models::StateLayout::megatron).total() ==
        16);
}

TEST_CASE("a 7B model needs ~112 GB of model state: a full fine-tune does not fit a 24 GB RTX 4090",
          "[models][memory]") {
  const auto m = zoo_model("llama2-7b");
  const auto t = training(1, 4096);
  const auto p = plan(m, 1, 1, 1, 0);
  const auto b = models::memory_per_rank(m, t, p, 0, zero_paper());
  // 16 B x 6.74e9 parameters = 107.8 GB (the "112 GB for 7B" rule rounds P up to 7e9).
  const double P = models::count_params(m).total;
  CHECK(b.params == Approx(P));
  CHECK(b.model_state_bytes() == Approx(16 * P));
  CHECK(b.model_state_bytes() / 1e9 == Approx(112).epsilon(0.04));
  // RTX 4090: 24 GB (GiB-sized GDDR6X, hardware.md Sec. 2).
  const auto v = models::check_memory(m, t, p, 24 * kGiB, zero_paper());
  CHECK_FALSE(v.fits());
  CHECK(v.worst_stage == 0);
  CHECK(-v.headroom_bytes() > 80 * kGiB);  // short by more than three such cards
}

TEST_CASE("ZeRO-3 over 64 data-parallel ranks divides the model state by 64", "[models][memory]") {
  const auto m = zoo_model("llama2-7b");
  const auto t = training(64, 4096);
  const auto one = models::memory_per_rank(m, t, plan(m, 1, 1, 1, 0), 0, zero_paper());
  const auto z3 = models::memory_per_rank(m, t, plan(m, 1, 1, 64, 3), 0, zero_paper());
  CHECK(z3.model_state_bytes() == Approx(one.model_state_bytes() / 64));
  CHECK(z3.model_state_bytes() == Approx(16 * models::count_params(m).total / 64));
}

TEST_CASE("ZeRO stages shard optimizer state, then gradients, then weights", "[models][memory]") {
  const auto m = zoo_model("gpt3-1.3b");
  const auto t = training(8, 2048);
  const double d = 8;
  const double P = models::count_params(m).total;
  const auto z1 = models::memory_per_rank(m, t, plan(m, 1, 1, 8, 1), 0);
  const auto z2 = models::memory_per_rank(m, t, plan(m, 1, 1, 8, 2), 0);
  // Megatron-Core's distributed optimizer (ZeRO-1) with bf16: 6 + 12/d bytes per parameter.
  CHECK(z1.model_state_bytes() == Approx((6 + 12 / d) * P));
  // ZeRO-2: 2 + (4 + 12)/d.
  CHECK(z2.model_state_bytes() == Approx((2 + 16 / d) * P));
}

TEST_CASE("micro-batches in flight per schedule", "[models][memory]") {
  const auto t = training(64, 2048);
  models::ParallelPlan p;
  p.pp = 8;
  p.schedule = Schedule::one_f_one_b;
  // 1F1B: stage s keeps p - s (Narayanan et al. 2021, Sec. 2.2.1): 8 on the first, 1 on the last.
  CHECK(models::micro_batches_in_flight(p, t, 0) == 8);
  CHECK(models::micro_batches_in_flight(p, t, 7) == 1);
  CHECK(models::micro_batches_in_flight(p, training(4, 2048), 0) == 4);  // fewer micro-batches
  p.schedule = Schedule::gpipe;
  CHECK(models::micro_batches_in_flight(p, t, 7) == 64);  // all of them
  // Interleaved, v = 4: the first stage keeps p (1 + (p - 1)/(p v)) = 8 x 39/32 = 9.75
  // micro-batches' worth (Korthikanti et al. 2022, Sec. 4.2.3); the last (v - 1)p + 1 chunk
  // micro-batches of a quarter of its layers.
  p.schedule = Schedule::interleaved_1f1b;
  p.vpp = 4;
  CHECK(models::micro_batches_in_flight(p, t, 0) == Approx(8 * (1 + 7.0 / 32)));
  CHECK(models::micro_batches_in_flight(p, t, 7) == Approx(25.0 / 4));
}

TEST_CASE("the first 1F1B stage keeps L layers' activations whatever p (Korthikanti Sec. 4.2.3)",
          "[models][memory]") {
  const auto m = zoo_model("gpt3-175b");
  const auto t = training(64, 2048);
  auto p = plan(m, 8, 8, 1, 1);
  p.recompute = Recompute::selective;
  models::MemoryOptions unfused;
  unfused.flash_attention = false;
  const auto b = models::memory_per_rank(m, t, p, 0, unfused);
  // 12 layers x 8 micro-batches x 34 sbh/t (Table 2, row 5) = 96 layers x 34 sbh / 8.
  const double sbh = 2048.0 * 12288;
  CHECK(b.micro_batches_in_flight == 8);
  CHECK(b.activation_bytes == Approx(96 * 34 * sbh / 8));
  // Plus the embedding dropout mask, sbh/t per micro-batch in flight (Sec. 4.3).
  CHECK(b.embedding_output_bytes == Approx(8 * sbh / 8));
}

TEST_CASE("stages hold their layers, the ends the embedding and a tied output copy",
          "[models][memory]") {
  const auto m = zoo_model("gpt3-175b");
  const auto t = training(64, 2048);
  const auto v = models::check_memory(m, t, plan(m, 8, 8, 1, 1), 80 * kGiB);
  const double h = 12288, V = 51200;
  // First stage: vocab/t rows of the embedding and the replicated position table.
  CHECK(v.stages[0].params - v.stages[1].params == Approx(V * h / 8 + 2048 * h));
  // Last stage: Megatron-LM's copy of the tied embedding for the output layer, and the final
  // LayerNorm (replicated on every TP rank).
  CHECK(v.stages[7].params - v.stages[1].params == Approx(V * h / 8 + 2 * h));
}

TEST_CASE("a plan that does not fit names its fullest stage and the shortfall",
          "[models][memory]") {
  const auto m = zoo_model("gpt3-175b");
  const auto t = training(64, 2048);
  const auto v = models::check_memory(m, t, plan(m, 8, 8, 1, 1), 10 * kGiB);
  CHECK_FALSE(v.fits());
  CHECK(v.worst_stage == 0);  // 1F1B: the first stage keeps the most activations
  CHECK(v.headroom_bytes() == Approx(10 * kGiB - v.stages[0].total_bytes()));
  for (const auto& b : v.stages) CHECK(b.total_bytes() <= v.stages[0].total_bytes());
}

TEST_CASE("a plan with less headroom than max(3 % of capacity, 2 GiB) is tight, not fits",
          "[models][memory]") {
  const auto m = zoo_model("gpt3-175b");
  const auto t = training(64, 2048);
  const auto p = plan(m, 8, 8, 1, 1);
  const double peak = models::check_memory(m, t, p, 80 * kGiB).peak_bytes();
  auto at_capacity = [&](double capacity) { return models::check_memory(m, t, p, capacity); };
  // 80 GiB: 3 % is 2.4 GiB, above the 2 GiB floor; 24 GiB: 3 % is 0.72 GiB, so the floor holds.
  CHECK(at_capacity(80 * kGiB).tight_margin_bytes() == Approx(0.03 * 80 * kGiB));
  CHECK(at_capacity(24 * kGiB).tight_margin_bytes() == Approx(2 * kGiB));
  // 1 GiB of headroom is under any margin (the floor is 2 GiB).
  CHECK(at_capacity(peak + 1 * kGiB).fit() == models::MemoryFit::tight);
  // Capacity c with headroom 5 % of c + 2 GiB clears both 3 % of c and 2 GiB:
  // c - peak = 0.05 c + 2 GiB, so c = (peak + 2 GiB) / 0.95.
  const auto roomy = at_capacity((peak + 2 * kGiB) / 0.95);
  CHECK(roomy.fit() == models::MemoryFit::fits);
  CHECK_FALSE(roomy.tight());
  // Exactly full still fits (tight); one byte short does not.
  CHECK(at_capacity(peak).fit() == models::MemoryFit::tight);
  CHECK(at_capacity(peak).fits());
  CHECK(at_capacity(peak - 1).fit() == models::MemoryFit::does_not_fit);
  CHECK(models::to_string(models::MemoryFit::does_not_fit) == "does not fit");
}

TEST_CASE("temporary buffers: ZeRO-3 gathers two layers, full recompute rebuilds one",
          "[models][memory]") {
  const auto m = zoo_model("llama2-7b");
  const auto t = training(8, 4096);
  auto p = plan(m, 1, 1, 8, 3);
  const auto b = models::memory_per_rank(m, t, p, 0);
  // Two of the 32 identical layers in bf16, gathered in full.
  const auto c = models::count_params(m);
  CHECK(b.temporary_bytes == Approx(2 * 2 * c.layer(false)));
  p.zero = 1;
  p.recompute = Recompute::full;
  const auto full = models::memory_per_rank(m, t, p, 0);
  auto none = p;
  none.recompute = Recompute::none;
  const auto kept = models::memory_per_rank(m, t, none, 0);
  CHECK(full.temporary_bytes == Approx(kept.activation_bytes_per_micro_batch / 32));
  // 2sbh per layer kept: 32 layers x 2 x 4096 x 4096.
  CHECK(full.activation_bytes_per_micro_batch == Approx(32 * 2 * 4096.0 * 4096));
}

TEST_CASE("routed experts are sharded over dp x cp / ep, the rest over dp x cp",
          "[models][memory][moe]") {
  const auto m = zoo_model("mixtral-8x7b");
  const auto t = training(8, 4096);
  auto p = plan(m, 1, 1, 8, 1);
  p.ep = 8;
  const auto b = models::memory_per_rank(m, t, p, 0);
  const auto c = models::count_params(m);
  // One of the 8 experts per layer on each rank; each expert's optimizer state is owned by
  // dp x cp / ep = 1 rank, the dense weights' by 8.
  const double experts = 32 * c.expert;
  const double dense = c.total - 32 * 8 * c.expert;
  CHECK(b.params == Approx(dense + experts));
  CHECK(b.optimizer_bytes == Approx(12 * (dense / 8 + experts)));
}
