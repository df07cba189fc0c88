#pragma once
// How one training step is split over accelerators, and the training setup it runs.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace dtsim::models {

enum class Precision { fp32, bf16, fp16, fp8 };
enum class Schedule { gpipe, one_f_one_b, interleaved_1f1b };
enum class Recompute { none, selective, full };

// Parameter-efficient fine-tuning: the base weights are frozen (no gradients, no optimizer
// state), stored in `base_format`; low-rank adapters A (h_in x r) and B (r x h_out) beside the
// chosen linear layers are trained (LoRA, Hu et al. 2021; QLoRA with a 4-bit NormalFloat base,
// Dettmers et al. 2023). What that changes is in finetune.hpp.
enum class FinetuneMethod { full, lora, qlora };
enum class WeightFormat { training, int8, nf4 };  // training: the training precision's 16 bits
struct Finetune {
  FinetuneMethod method = FinetuneMethod::full;
  int rank = 16;
  WeightFormat base_format = WeightFormat::training;
  bool attention = true;  // adapters on the attention projections (QKV, output)
  bool mlp = true;        // adapters on the MLP matrices
  friend bool operator==(const Finetune&, const Finetune&) = default;
};

struct TrainingSetup {
  std::int64_t global_batch = 0;  // sequences per optimizer step
  int seq_len = 0;
  double tokens = 0;              // training budget, for time-to-train
  Precision precision = Precision::bf16;
  Finetune finetune;
  friend bool operator==(const TrainingSetup&, const TrainingSetup&) = default;

  double tokens_per_step() const { return static_cast<double>(global_batch) * seq_len; }
};

struct ParallelPlan {
  int tp = 1;                   // tensor parallel
  int pp = 1;                   // pipeline stages
  int dp = 1;                   // data parallel replicas
  int cp = 1;                   // context parallel
  int ep = 1;                   // expert parallel (within dp*cp)
  int vpp = 1;                  // model chunks per pipeline rank (interleaved 1F1B)
  int micro_batch = 1;          // sequences per micro-batch
  Schedule schedule = Schedule::one_f_one_b;
  int zero = 0;                 // ZeRO stage 0..3
  int zero_shard = 0;           // ranks ZeRO shards over (FSDP/HSDP); 0: all of dp
  bool sequence_parallel = false;
  Recompute recompute = Recompute::none;
  // Decoder layers of each model chunk, in pipeline order: chunk c runs on stage c % pp.
  std::vector<int> chunk_layers;
  friend bool operator==(const ParallelPlan&, const ParallelPlan&) = default;

  int accelerators() const { return tp * pp * dp * cp; }
  int shard_group() const { return zero_shard > 0 ? zero_shard : dp; }
  // CP ranks hold the same weights as their DP peers and each computes gradients on its own
  // chunk of the sequence, so gradients are reduced over dp x cp ranks and ZeRO shards over
  // shard_group x cp (Megatron-LM's data-parallel group with context parallelism); routed
  // experts over those divided by ep.
  int dp_cp() const { return dp * cp; }
  int shard_ranks() const { return shard_group() * cp; }
  // Of those, the ones holding the same experts (at least the rank itself).
  double expert_shard_ranks() const { return std::max(1.0, static_cast<double>(shard_ranks()) / ep); }
  // A rank's share of what ZeRO shards (parameters, their bytes): `dense` over shard_ranks(),
  // `expert` (routed experts') over expert_shard_ranks().
  double sharded(double dense, double expert) const { return dense / shard_ranks() + expert / expert_shard_ranks(); }
  int chunks() const { return pp * vpp; }
  std::int64_t micro_batches(const TrainingSetup& t) const {
    return t.global_batch / (static_cast<std::int64_t>(micro_batch) * dp);
  }
  // Layers held by pipeline stage s (all its chunks).
  int stage_layers(int stage) const;
};

// Spreads `layers` over `chunks` as evenly as possible. When they do not divide, the first and
// last chunks get the smaller share: they also hold the embedding and the output layer and loss,
// which is how Megatron-LM runs Llama 3.1 405B (126 layers on 16 stages).
std::vector<int> split_layers(int layers, int chunks);

std::string to_string(Precision p);
std::string to_string(Schedule s);
std::string to_string(Recompute r);
std::string to_string(FinetuneMethod m);
std::string to_string(WeightFormat f);

}  // namespace dtsim::models
