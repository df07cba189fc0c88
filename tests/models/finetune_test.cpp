// LoRA and QLoRA (models/finetune.hpp): adapter parameters, frozen-base memory, the work a
// step skips and adds, data-parallel traffic, and the published single-GPU anchors.
#include "dtsim/models/finetune.hpp"

#include <catch2/catch.hpp>

#include "dtsim/models/compute.hpp"
#include "dtsim/models/flops.hpp"
#include "dtsim/models/memory.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "temp_file.hpp"
#include "zoo_model.hpp"

using namespace dtsim;
using models::FinetuneMethod;
using models::Pass;
using models::WeightFormat;
using test::zoo_model;

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

// Llama 2 7B by hand (Touvron et al. 2023, Table 1; HF config): h 4096, SwiGLU width 11008,
// 32 layers, vocabulary 32000, no biases.
constexpr double kH = 4096, kF = 11008, kLayers = 32, kVocab = 32000;
// Linear weights of one layer: q, k, v, o (4 h^2) and gate, up, down (3 h f) = 202,375,168.
constexpr double kLinearPerLayer = 4 * kH * kH + 3 * kH * kF;
// Adapter width sum over the seven matrices, sum (d_in + d_out): 4 (h + h) + 3 (h + f) = 78,080.
constexpr double kAdapterWidths = 4 * (kH + kH) + 3 * (kH + kF);

models::Finetune lora(int rank, WeightFormat base = WeightFormat::training) {
  models::Finetune f;
  f.method = base == WeightFormat::training ? FinetuneMethod::lora : FinetuneMethod::qlora;
  f.rank = rank;
  f.base_format = base;
  return f;
}

models::TrainingSetup setup(std::int64_t global_batch, int seq_len, const models::Finetune& f) {
  models::TrainingSetup t;
  t.global_batch = global_batch;
  t.seq_len = seq_len;
  t.finetune = f;
  return t;
}

models::ParallelPlan one_gpu(const models::ModelSpec& m, int micro_batch,
                             models::Recompute recompute) {
  models::ParallelPlan p;
  p.micro_batch = micro_batch;
  p.recompute = recompute;
  p.chunk_layers = {m.layers};
  return p;
}

// LLaMA (Touvron et al. 2023a, Table 2: 32.5B with dim 6656, 52 heads, 60 layers; 65.2B with
// 8192, 64, 80), FFN widths 17920 and 22016 from the Hugging Face configs (huggyllama/llama-30b,
// llama-65b), context 2048; otherwise Llama 2 13B's architecture (same family, MHA).
models::ModelSpec llama1(int layers, std::int64_t hidden, int heads, std::int64_t ffn) {
  auto m = zoo_model("llama2-13b");
  m.name = "LLaMA " + std::to_string(layers);
  m.layers = layers;
  m.hidden = hidden;
  m.heads = m.kv_heads = heads;
  m.ffn = ffn;
  m.seq_len = 2048;
  return m;
}

double capacity_of(const std::string& device) {
  static const auto catalog = config::builtin_catalog();
  return catalog.find_device(device)->mem_capacity_bytes;
}

// `dtsim memory`'s verdict for one `device` (as on a one-GPU system of the catalog).
models::MemoryVerdict fit(const models::ModelSpec& m, const models::TrainingSetup& t,
                          const models::ParallelPlan& p, const std::string& device,
                          models::StateLayout layout = models::StateLayout::megatron) {
  static const auto catalog = config::builtin_catalog();
  auto options = training::memory_options(*catalog.find_device(device), true);
  options.layout = layout;
  return models::check_memory(m, t, p, capacity_of(device), options);
}

// The fullest stage without its optimizer state (and that state's share of fragmentation):
// what stays on the GPU when a paged optimizer moves the Adam moments to host memory.
double without_optimizer(const models::MemoryVerdict& v) {
  const auto& b = v.stages[v.worst_stage];
  return b.total_bytes() - b.optimizer_bytes * (1 + models::kFragmentation);
}

// A device on which every GEMM whose edges are multiples of 64 runs at exactly its peak and
// memory is free: times are FLOPs / 100 TFLOP/s, so differences can be derived by hand.
models::DeviceCompute ideal_device() {
  models::DeviceCompute d;
  d.name = "ideal";
  d.bf16_flops_per_s = 100e12;
  d.gemm_efficiency = 1;
  d.hbm_bytes_per_s = 1e30;
  d.hbm_efficiency = 1;
  d.compute_units = 1;
  d.tile = {64, 64};
  d.launch_overhead_s = 0;
  return d;
}

double pass_seconds(const std::vector<models::Operator>& ops, std::initializer_list<Pass> passes,
                    const models::DeviceCompute& d) {
  double t = 0;
  for (const auto& op : ops)
    for (Pass p : passes) t += models::op_time_s(op, p, d);
  return t;
}

}  // namespace

TEST_CASE("LoRA adapters: r (d_in + d_out) per matrix; Llama 2 7B rank 64 trains 159.9 M",
          "[finetune]") {
  const auto m = zoo_model("llama2-7b");
  // 64 x 78,080 x 32 layers = 159,907,840: what Hugging Face PEFT prints for Llama-2-7b with
  // r = 64 on q, k, v, o, gate, up and down ("trainable params: 159,907,840", the QLoRA recipe).
  CHECK(models::trained_params(m, lora(64)) == 64 * kAdapterWidths * kLayers);
  CHECK(models::trained_params(m, lora(64)) == 159907840);
  // Attention only, rank 16: 16 x 4 x (4096 + 4096) x 32 = 16,777,216.
  auto attention = lora(16);
  attention.mlp = false;
  CHECK(models::trained_params(m, attention) == 16 * 4 * (kH + kH) * kLayers);
  // Full training trains everything.
  CHECK(models::trained_params(m, {}) == models::count_params(m).total);
  // GQA (Llama 2 70B, 8 KV heads of 128): k and v project to 1024, so a layer's adapters span
  // q (8192 + 8192), k and v (8192 + 1024) each, o (8192 + 8192), gate and up (8192 + 28672)
  // each, down (28672 + 8192) = 161,792 columns; x 16 x 80 layers = 207,093,760.
  CHECK(models::trained_params(zoo_model("llama2-70b"), lora(16)) == 16 * 161792.0 * 80);
}

TEST_CASE("QLoRA stores the base at 4.127 bits, with 16-bit embedding, norms and output layer",
          "[finetune][memory]") {
  // Dettmers et al. 2023, Sec. 3: 4 bits + 8-bit block scales per 64 + fp32 per 256 blocks.
  CHECK(models::kNf4BitsPerParam == Approx(4.127).epsilon(1e-4));
  const auto m = zoo_model("llama2-7b");
  const auto t = setup(1, 512, lora(64, WeightFormat::nf4));
  const auto b = models::memory_per_rank(m, t, one_gpu(m, 1, models::Recompute::full), 0);
  const double linear = kLinearPerLayer * kLayers;                      // 6,476,005,376
  const double sixteen_bit = 2 * kVocab * kH + (2 * kLayers + 1) * kH;  // tables and norms
  const double adapters = 64 * kAdapterWidths * kLayers;
  // NF4 linear weights (3.34 GB) + 16-bit tables and norms (525 MB) + 16-bit adapters.
  CHECK(b.weights_bytes == Approx(linear * 4.126953125 / 8 + 2 * sixteen_bit + 2 * adapters));
  CHECK(b.params == Approx(models::count_params(m).total + adapters));
  CHECK(b.trained_params == Approx(adapters));
}

TEST_CASE("no gradients or optimizer state for the frozen base; ZeRO shards the adapters'",
          "[finetune][memory]") {
  const auto m = zoo_model("llama2-7b");
  const auto t = setup(8, 512, lora(16));
  const double adapters = 16 * kAdapterWidths * kLayers;  // 39,976,960
  auto p = one_gpu(m, 1, models::Recompute::none);
  const auto b = models::memory_per_rank(m, t, p, 0);
  // Megatron's bf16 layout: fp32 gradient (4) and fp32 master + Adam moments (12), adapters only.
  CHECK(b.grads_bytes == Approx(4 * adapters));
  CHECK(b.optimizer_bytes == Approx(12 * adapters));
  // The 16-bit frozen base: 2 bytes for every parameter of the model.
  CHECK(b.weights_bytes == Approx(2 * (models::count_params(m).total + adapters)));
  // ZeRO-1 over 4 ranks divides the adapters' optimizer state; ZeRO-3 also the frozen base.
  p.dp = 4;
  p.zero = 1;
  CHECK(models::memory_per_rank(m, t, p, 0).optimizer_bytes == Approx(12 * adapters / 4));
  CHECK(models::memory_per_rank(m, t, p, 0).weights_bytes == Approx(b.weights_bytes));
  p.zero = 3;
  CHECK(models::memory_per_rank(m, t, p, 0).weights_bytes == Approx(b.weights_bytes / 4));
}

TEST_CASE("a frozen 16-bit layer keeps no input of its own; an adapted one keeps X and X A",
          "[finetune][memory]") {
  const auto m = zoo_model("llama2-7b");
  models::Shard sh;
  sh.seq_len = 4096;
  const double sbh = 4096 * kH, sbf = 4096 * kF;
  const double full = models::saved_bytes(models::layer_operators(m, sh, 0));
  sh.finetune = lora(16);
  sh.finetune.mlp = false;  // attention adapters only
  const double attention_only = models::saved_bytes(models::layer_operators(m, sh, 0));
  // The frozen MLP drops its first matrix's input (2sbh) and its second's (2sbf); the four
  // attention adapters add X A, 2 s r bytes each: q, k, v (3 r) and o (r).
  CHECK(full - attention_only == Approx(2 * sbh + 2 * sbf - 2 * 4096 * 16 * 4));
  // A quantized base keeps the inputs anyway (bitsandbytes saves them).
  sh.finetune = lora(16, WeightFormat::nf4);
  sh.finetune.mlp = false;
  CHECK(full - models::saved_bytes(models::layer_operators(m, sh, 0)) ==
        Approx(-2 * 4096 * 16 * 4));
}

TEST_CASE("frozen layers skip the weight-gradient GEMMs; the backward is lower by their FLOPs",
          "[finetune][time]") {
  const auto m = zoo_model("llama2-7b");
  const auto d = ideal_device();
  models::Shard sh;
  sh.seq_len = 4096;
  const auto full = models::layer_operators(m, sh, 0);
  sh.finetune = lora(64);
  const auto lo = models::layer_operators(m, sh, 0);
  for (const auto& op : lo)
    if (!op.trainable) CHECK(op.backward_weight.flops == 0);
  // Per layer and 4096-token micro-batch: the frozen wgrad was 2 x 4096 x 202,375,168 FLOPs
  // (1.658 TFLOP); the adapters add 2 x 4096 x r x 78,080 forward (41 GFLOP) and twice that
  // backward (dgrad and wgrad of A and B). The frozen dgrad and the attention are unchanged.
  const double tokens = 4096, rate = 100e12;
  const double wgrad = 2 * tokens * kLinearPerLayer;
  const double adapter_forward = 2 * tokens * 64 * kAdapterWidths;
  const auto bwd = {Pass::backward_input, Pass::backward_weight};
  CHECK(pass_seconds(full, bwd, d) - pass_seconds(lo, bwd, d) ==
        Approx((wgrad - 2 * adapter_forward) / rate));
  CHECK(pass_seconds(lo, {Pass::forward}, d) - pass_seconds(full, {Pass::forward}, d) ==
        Approx(adapter_forward / rate));
  // The linear layers' backward GEMM FLOPs: 3.32 TFLOP in full training (dgrad + wgrad),
  // 1.66 + 0.08 under LoRA: 52 % of it.
  auto linear_backward = [](const std::vector<models::Operator>& ops) {
    double f = 0;
    for (const auto& op : ops)
      if (op.kind == models::OpKind::gemm) f += op.backward_input.flops + op.backward_weight.flops;
    return f;
  };
  CHECK(linear_backward(full) == Approx(2 * wgrad));
  CHECK(linear_backward(lo) / linear_backward(full) == Approx(0.5 + adapter_forward / wgrad));
}

TEST_CASE("QLoRA dequantizes each frozen weight before every use: read 4.127 bits, write 16",
          "[finetune][time]") {
  const auto m = zoo_model("llama2-7b");
  models::Shard sh;
  sh.seq_len = 4096;
  sh.finetune = lora(64, WeightFormat::nf4);
  sh.recompute = models::Recompute::full;
  double forward = 0, backward = 0, recompute = 0;
  for (const auto& op : models::layer_operators(m, sh, 0)) {
    forward += op.forward.cast_bytes;
    backward += op.backward_input.cast_bytes;
    recompute += op.recompute.cast_bytes;
  }
  // 202,375,168 weights x (4.127 / 8 + 2) bytes = 509.3 MB per pass, and again in recompute.
  const double per_pass = kLinearPerLayer * (4.126953125 / 8 + 2);
  CHECK(forward == Approx(per_pass));
  CHECK(backward == Approx(per_pass));
  CHECK(recompute == Approx(per_pass));
}

TEST_CASE("a LoRA step's model FLOPs: forward, dgrad and adapters, not the skipped wgrad",
          "[finetune][flops]") {
  const auto m = zoo_model("llama2-7b");
  const auto full = models::step_flops(m, setup(16, 512, {}), models::Recompute::none);
  const auto lo = models::step_flops(m, setup(16, 512, lora(64)), models::Recompute::none);
  // Per token: drop the wgrad of every linear layer and of the output layer,
  // 2 (32 x 202,375,168 + 32000 x 4096); add 6 x 159,907,840 for the adapters.
  const double tokens = 16 * 512;
  const double skipped = 2 * (kLinearPerLayer * kLayers + kVocab * kH) * tokens;
  const double adapters = 6 * 64 * kAdapterWidths * kLayers * tokens;
  CHECK(lo.model == Approx(full.model - skipped + adapters));
  // About a third less: 2/3, plus the adapters (3 x 2.4 % of the linear weights) and the
  // attention matmuls (2 % of the work, all of it still done).
  CHECK(lo.model / full.model == Approx(0.70).margin(0.01));
}

TEST_CASE("data parallelism reduces only the adapters' gradients", "[finetune][replay]") {
  const std::string yaml =
      "model: llama2-7b\n"
      "training: {global_batch: 2, seq_len: 512, finetune: {method: lora, rank: 64}}\n"
      "parallelism: {micro_batch: 1}\n"
      "cluster: {system: workstation-4090x2, accelerators: 2}\n";
  auto dp_bytes = [&](const std::vector<std::string>& overrides) {
    const auto s = config::load_scenario(test::write_temp("finetune_dp.yaml", yaml), overrides);
    const auto g = training::build_step(s, training::step_inputs(s));
    double bytes = 0;
    for (const auto& op : g.ops())
      if (op.is_comm && op.category == training::Category::dp_comm) bytes += op.comm.bytes;
    return bytes;
  };
  // fp32 gradients of the 159,907,840 adapter parameters, all-reduced in 40M-parameter buckets.
  CHECK(dp_bytes({}) == Approx(4 * 159907840.0));
  // Full fine-tuning reduces every parameter's.
  CHECK(dp_bytes({"training.finetune.method=full"}) ==
        Approx(4 * models::count_params(zoo_model("llama2-7b")).total));
  // ZeRO-3 gathers the NF4 base too, twice per layer (forward and backward) per micro-batch.
  const double gathered = dp_bytes({"training.finetune.method=qlora", "parallelism.zero=3"});
  // A layer: NF4 matrices, two 16-bit RMSNorm gains, 16-bit adapters.
  const double layer_gather =
      kLinearPerLayer * 4.126953125 / 8 + 2 * (2 * kH) + 2 * 64 * kAdapterWidths;
  const double reduce = 4 * 159907840.0;  // reduce-scatter of the adapters' gradients
  CHECK(gathered == Approx(2 * kLayers * layer_gather + reduce));
}

TEST_CASE("on one RTX 4090: full 7B does not fit, LoRA of 7B and QLoRA of 13B do",
          "[finetune][memory][anchor]") {
  // RTX 4090 24 GB; 7B: 18 bytes x 6.74e9 = 121 GB of model state in Megatron's layout.
  const auto m7 = zoo_model("llama2-7b");
  const auto p7 = one_gpu(m7, 1, models::Recompute::full);
  CHECK_FALSE(fit(m7, setup(16, 2048, {}), p7, "rtx-4090").fits());
  // LoRA on a bf16 base: 13.5 GB of frozen weights, 40 M adapters (0.7 GB of state).
  CHECK(fit(m7, setup(16, 2048, lora(16)), p7, "rtx-4090").fits());
  // QLoRA of Llama 2 13B: 6.7 GB of NF4 weights.
  const auto m13 = zoo_model("llama2-13b");
  CHECK(fit(m13, setup(16, 2048, lora(64, WeightFormat::nf4)),
            one_gpu(m13, 1, models::Recompute::full), "rtx-4090")
            .fits());
}

TEST_CASE("QLoRA's anchors: 65B on one 48 GB GPU, 33B on one 24 GB GPU, with paged Adam state",
          "[finetune][memory][anchor]") {
  // Dettmers et al. 2023 fine-tune LLaMA 65B on one 48 GB GPU and 33B on one 24 GB consumer
  // GPU. Their recipe (artidoro/qlora scripts/finetune_guanaco_{33b,65b}.sh): NF4 with double
  // quantization, r = 64 on every linear layer, gradient checkpointing, micro-batch 4 of at most
  // 16 + 512 tokens; qlora.py trains bf16 adapters with paged_adamw_32bit (12 bytes per trained
  // parameter, the pure-bf16 layout), whose fp32 moments spill to host memory under pressure.
  const auto recipe = lora(64, WeightFormat::nf4);
  const auto t = setup(16, 528, recipe);
  const auto m65 = llama1(80, 8192, 64, 22016);
  const auto m33 = llama1(60, 6656, 52, 17920);
  // Adapters: 80 x 64 x (4 x 16384 + 3 x 30208) = 799 M; 60 x 64 x (4 x 13312 + 3 x 24576) = 488 M.
  CHECK(models::trained_params(m65, recipe) == 80 * 64 * (4 * 16384.0 + 3 * 30208));
  CHECK(models::trained_params(m33, recipe) == 60 * 64 * (4 * 13312.0 + 3 * 24576));
  const auto layout = models::StateLayout::pure_bf16;
  const auto p65 = one_gpu(m65, 4, models::Recompute::full);
  const auto p33 = one_gpu(m33, 4, models::Recompute::full);
  const auto a6000 = fit(m65, t, p65, "rtx-a6000", layout);
  const auto rtx4090 = fit(m33, t, p33, "rtx-4090", layout);
  // 65B: 31.2 GiB of NF4 weights + 1 GiB of 16-bit tables; 799 M adapters x 12 bytes = 8.9 GiB;
  // 2.6 GiB of checkpoints. With every byte on the GPU it is just over 48 GiB ...
  CHECK(a6000.headroom_bytes() < 0);
  CHECK(-a6000.headroom_bytes() < 0.05 * a6000.capacity_bytes);
  // ... and fits once the 6 GiB of Adam moments page out, as they do in QLoRA's runs.
  CHECK(without_optimizer(a6000) < a6000.capacity_bytes);
  // At micro-batch 1 it fits outright.
  CHECK(fit(m65, t, one_gpu(m65, 1, models::Recompute::full), "rtx-a6000", layout).fits());
  // 33B on a 24 GB RTX 4090 (17.1 GiB of weights, 4.5 GiB of adapter state) needs the paged
  // optimizer, even at micro-batch 1; with it, micro-batch 4 fits.
  CHECK_FALSE(rtx4090.fits());
  CHECK_FALSE(fit(m33, t, one_gpu(m33, 1, models::Recompute::full), "rtx-4090", layout).fits());
  CHECK(without_optimizer(rtx4090) < rtx4090.capacity_bytes);
  // Megatron's 18-byte layout (fp32 gradients and master copies) needs 4.7 GiB more for 65B.
  CHECK(-fit(m65, t, p65, "rtx-a6000").headroom_bytes() > -a6000.headroom_bytes() + 4 * kGiB);
}

TEST_CASE("training.finetune: qlora defaults to an NF4 base; a 16-bit qlora base is an error",
          "[finetune][config]") {
  auto load = [](const std::string& finetune) {
    return config::load_scenario(
        test::write_temp("finetune_config.yaml",
                         "model: llama2-7b\ntraining: {global_batch: 1, finetune: " + finetune +
                             "}\ncluster: {system: workstation-4090x1, "
                             "accelerators: 1}\nparallelism: {}\n"));
  };
  const auto q = load("{method: qlora, rank: 8, targets: [mlp]}").training.finetune;
  CHECK(q.base_format == WeightFormat::nf4);
  CHECK(q.rank == 8);
  CHECK_FALSE(q.attention);
  CHECK(load("{method: lora}").training.finetune.base_format == WeightFormat::training);
  CHECK_THROWS_WITH(load("{method: qlora, base_weights: bf16}"),
                    Catch::Contains("a 16-bit base is method lora"));
  CHECK_THROWS_WITH(load("{method: full, base_weights: nf4}"),
                    Catch::Contains("full fine-tuning trains every weight"));
}
