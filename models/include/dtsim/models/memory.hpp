#pragma once
// Memory of one accelerator of a pipeline stage: model state by ZeRO stage, activations by
// recompute mode and sequence parallelism times the micro-batches the schedule keeps in flight,
// temporary buffers, and what the framework itself takes. A plan that does not fit is a result:
// check_memory() names the stage and the shortfall.
//
// Model state (bytes per parameter: weights + gradients + optimizer):
//   zero_paper: Rajbhandari et al. 2020 (ZeRO), Sec. 3.1: mixed-precision Adam keeps 16-bit
//     weights and gradients and fp32 master weights, momentum and variance: 2 + 2 + 12 = 16.
//   megatron (default, as the calibration runs train): Megatron-Core distributed-optimizer
//     documentation, bytes per parameter without / with the distributed optimizer over d ranks:
//     bf16 weights with fp32 gradient buffer 18 / 6 + 12/d (2 + 4 + 12: bf16 gradients are
//     accumulated and reduced in fp32); fp16 weights and gradients 20 / 4 + 16/d (2 + 2 + 16:
//     the optimizer also keeps fp32 gradients); fp32 16 / 8 + 8/d (4 + 4 + 8).
//   pure_bf16: 16-bit weights and gradients, no fp32 master copy, fp32 Adam moments
//     (bitsandbytes' 32-bit AdamW): 2 + 2 + 8 = 12 (fp32: 4 + 4 + 8). What QLoRA's reference
//     code trains its adapters with: qlora.py casts the LoRA modules to bf16 and defaults to
//     paged_adamw_32bit (artidoro/qlora).
//   FP8 training keeps bf16 weights (Transformer Engine), so it costs what bf16 does.
// ZeRO stages shard over the data-parallel ranks that hold the same weights (dp x cp; routed
// experts over dp x cp / ep): 1 the optimizer state, 2 also the gradients, 3 also the weights.
// Fine-tuning (finetune.hpp): only the trained parameters (LoRA's adapters) carry this state;
// frozen base weights take the bytes they are stored in (16-bit, int8, NF4 at 4.127 bits) and
// no gradients or optimizer state, and only ZeRO-3 shards them.
//
// Activations: the operators' kept bytes (operators.hpp, Korthikanti et al. 2022, Table 2)
// for every layer of the stage, times the micro-batches in flight:
//   GPipe: all m (Huang et al. 2019: every forward runs before the first backward);
//   1F1B: stage s of p keeps min(p - s, m) (Narayanan et al. 2021, Sec. 2.2.1);
//   interleaved 1F1B with v chunks: Megatron-LM's warm-up, min(2(p - s - 1) + (v - 1)p + 1, mv)
//     chunk micro-batches of 1/v of the stage's layers; for the first stage that is
//     p (1 + (p - 1)/(pv)) micro-batches, Korthikanti et al. 2022's interleaving factor
//     (Sec. 4.2.3).
// The first stage adds the embedding's kept bytes, the last the output layer's and loss's
// (Sec. 4.3: sbh/t dropout mask; 2sbh/t + 2sbh/t + 4sbv/t), with the same micro-batches in flight.
//
// Temporary: under ZeRO-3 the gathered weights of the layer running and the one prefetched
// (two of the stage's largest layers, 16-bit; frozen weights as stored); under full recompute
// one layer's activations without recompute, rebuilt for its backward; with a quantized frozen
// base the 16-bit copy its largest weight GEMM is dequantized into. Pipeline stages other than
// the first keep a copy of a tied embedding for the output layer (Megatron-LM).
//
// Framework: [M] the CUDA context and kernel images take 0.47-0.92 GB on an A100 with PyTorch 2.1
// (stas00/ml-engineering, "Preloaded CUDA kernels memory usage"), plus [E] ~0.5 GB of NCCL
// channel buffers and cuBLAS workspaces: 1.5 GiB. [E] The caching allocator's fragmentation:
// 5 % of everything allocated (expandable segments; arXiv:2507.16274 reports up to 43 % wasted
// with virtual pipelines and recompute, so the default is optimistic there).
#include <vector>

#include "dtsim/models/operators.hpp"

namespace dtsim::models {

enum class StateLayout { megatron, zero_paper, pure_bf16 };

struct StateBytes {
  double weights = 0;
  double grads = 0;
  double optimizer = 0;
  double total() const { return weights + grads + optimizer; }
};

StateBytes state_bytes_per_param(Precision precision, StateLayout layout);

inline constexpr double kFrameworkBytes = 1.5 * 1024 * 1024 * 1024;
inline constexpr double kFragmentation = 0.05;

struct MemoryOptions {
  bool flash_attention = true;  // see Shard::flash_attention
  StateLayout layout = StateLayout::megatron;
  double framework_bytes = kFrameworkBytes;
  double fragmentation = kFragmentation;
};

struct MemoryBreakdown {
  int stage = 0;
  int layers = 0;
  double params = 0;          // held by this rank before ZeRO sharding
  double trained_params = 0;  // of which trained: all, or the adapters (fine-tuning)
  double weights_bytes = 0;
  double grads_bytes = 0;
  double optimizer_bytes = 0;
  double activation_bytes_per_micro_batch = 0;  // all the stage's layers, one micro-batch
  double micro_batches_in_flight = 0;
  double activation_bytes = 0;
  double embedding_output_bytes = 0;  // embedding (first stage), output layer and loss (last)
  double temporary_bytes = 0;
  double framework_bytes = 0;
  double fragmentation_bytes = 0;

  double model_state_bytes() const { return weights_bytes + grads_bytes + optimizer_bytes; }
  double total_bytes() const;
};

MemoryBreakdown memory_per_rank(const ModelSpec& model, const TrainingSetup& training,
                                const ParallelPlan& plan, int stage,
                                const MemoryOptions& options = {});

// Micro-batches whose activations pipeline stage `stage` holds at its peak (in units of all
// the stage's layers), per the schedule (see above).
double micro_batches_in_flight(const ParallelPlan& plan, const TrainingSetup& training, int stage);

// Fits, tight, or does not fit. "Tight" is a plan that fits with less headroom than the model's
// own uncertainty: the allocator's fragmentation is modelled at 5 % on average, but it varies
// with the schedule and recompute (arXiv:2507.16274 reports up to 43 % wasted), and the CUDA
// context, NCCL buffers and cuBLAS workspaces vary by version. [E] Below the larger of 3 % of
// capacity and 2 GiB a plan may or may not start; it is shown as tight, never simply "fits".
enum class MemoryFit { fits, tight, does_not_fit };

inline constexpr double kTightShare = 0.03;
inline constexpr double kTightBytes = 2.0 * 1024 * 1024 * 1024;

struct MemoryVerdict {
  std::vector<MemoryBreakdown> stages;
  double capacity_bytes = 0;
  int worst_stage = 0;

  // True when the fullest rank's total is within capacity (tight plans fit, narrowly).
  bool fits() const { return headroom_bytes() >= 0; }
  // Fits, but with less headroom than tight_margin_bytes().
  bool tight() const { return fits() && headroom_bytes() < tight_margin_bytes(); }
  MemoryFit fit() const;
  // The headroom below which a fitting plan is tight: max(3 % of capacity, 2 GiB).
  double tight_margin_bytes() const;
  // Capacity minus the worst stage's total: negative is by how much it does not fit.
  double headroom_bytes() const;
  double peak_bytes() const { return stages.at(worst_stage).total_bytes(); }
};

MemoryVerdict check_memory(const ModelSpec& model, const TrainingSetup& training,
                           const ParallelPlan& plan, double capacity_bytes,
                           const MemoryOptions& options = {});

std::string to_string(StateLayout layout);
// "fits", "tight", "does not fit".
std::string to_string(MemoryFit fit);

}  // namespace dtsim::models
