#include "dtsim/models/memory.hpp"

#include <algorithm>
#include <optional>

#include "dtsim/models/finetune.hpp"

namespace dtsim::models {
namespace {

// Decoder layer indices held by `stage`: chunk c (in pipeline order) runs on stage c % pp.
std::vector<int> stage_layer_indices(const ModelSpec& model, const ParallelPlan& plan, int stage) {
  const std::vector<int> chunks =
      plan.chunk_layers.empty() ? split_layers(model.layers, plan.chunks()) : plan.chunk_layers;
  std::vector<int> layers;
  int first = 0;
  for (int c = 0; c < static_cast<int>(chunks.size()); ++c) {
    if (c % plan.pp == stage)
      for (int l = first; l < first + chunks[c]; ++l) layers.push_back(l);
    first += chunks[c];
  }
  return layers;
}

// Parameters, or bytes, split into those sharded over dp x cp and routed experts' (dp x cp / ep).
struct Split {
  double dense = 0;
  double expert = 0;
  void add(const Operator& op, double v) { (op.expert ? expert : dense) += v; }
  double total() const { return dense + expert; }
};

// What one rank of a stage holds, from its operators: parameters, those it trains, the bytes
// of its frozen weights (fine-tuning), kept activations per micro-batch, and the sizes the
// temporary buffers follow.
struct StageContents {
  Split params, trained, frozen_bytes;
  double saved_per_micro_batch = 0;       // decoder layers
  double edge_saved_per_micro_batch = 0;  // embedding, output layer and loss
  double largest_layer_bytes = 0;         // one layer's weights at 16 bits (frozen: as stored)
  double largest_layer_unrecomputed = 0;  // one layer's activations without recompute
  double largest_dequantized = 0;         // the 16-bit copy of the largest quantized weight

  void add(const std::vector<Operator>& ops, bool layer, double weight_bytes) {
    double bytes = 0;
    for (const auto& op : ops) {
      params.add(op, op.parameters);
      trained.add(op, op.trained_parameters());
      frozen_bytes.add(op, op.frozen_bytes);
      bytes += op.trained_parameters() * weight_bytes + op.frozen_bytes;
      largest_dequantized = std::max(largest_dequantized, op.dequantized_bytes);
    }
    (layer ? saved_per_micro_batch : edge_saved_per_micro_batch) += saved_bytes(ops);
    if (layer) largest_layer_bytes = std::max(largest_layer_bytes, bytes);
  }
};

StageContents stage_contents(const ModelSpec& model, const ParallelPlan& plan, const Shard& shard,
                             const std::vector<int>& layers, int stage, double weight_bytes) {
  StageContents c;
  Shard no_recompute = shard;
  no_recompute.recompute = Recompute::none;
  // Layers differ only in being dense or MoE: build each kind's operators once.
  std::optional<std::vector<Operator>> kinds[2];
  std::optional<double> unrecomputed[2];
  for (int l : layers) {
    const int kind = model.is_moe_layer(l) ? 1 : 0;
    if (!kinds[kind]) kinds[kind] = layer_operators(model, shard, l);
    c.add(*kinds[kind], true, weight_bytes);
    if (shard.recompute != Recompute::full) continue;
    if (!unrecomputed[kind]) unrecomputed[kind] = saved_bytes(layer_operators(model, no_recompute, l));
    c.largest_layer_unrecomputed = std::max(c.largest_layer_unrecomputed, *unrecomputed[kind]);
  }
  if (stage == 0) c.add(embedding_operators(model, shard), false, weight_bytes);
  if (stage == plan.pp - 1) {
    c.add(head_operators(model, shard), false, weight_bytes);
    if (model.tied_embeddings && plan.pp > 1) {
      const double copy = static_cast<double>(model.vocab) * static_cast<double>(model.hidden) / plan.tp;
      c.params.dense += copy;
      if (frozen_base(shard.finetune))
        c.frozen_bytes.dense += copy * weight_bytes;
      else
        c.trained.dense += copy;
    }
  }
  return c;
}

// Weights, gradients and optimizer state of one rank under its ZeRO stage: the trained
// parameters' state by the layout, the frozen weights as stored (sharded only by ZeRO-3).
void add_model_state(MemoryBreakdown& b, const StageContents& c, const ParallelPlan& plan,
                     const StateBytes& per_param) {
  auto on_rank = [&](const Split& bytes, bool sharded) {
    return sharded ? plan.sharded(bytes.dense, bytes.expert) : bytes.total();
  };
  auto trained = [&](double bytes_per_param) {
    return Split{c.trained.dense * bytes_per_param, c.trained.expert * bytes_per_param};
  };
  const Split weights{c.trained.dense * per_param.weights + c.frozen_bytes.dense,
                      c.trained.expert * per_param.weights + c.frozen_bytes.expert};
  b.weights_bytes = on_rank(weights, plan.zero >= 3);
  b.grads_bytes = on_rank(trained(per_param.grads), plan.zero >= 2);
  b.optimizer_bytes = on_rank(trained(per_param.optimizer), plan.zero >= 1);
}

}  // namespace

StateBytes state_bytes_per_param(Precision precision, StateLayout layout) {
  if (precision == Precision::fp32) return {4, 4, 8};
  if (layout == StateLayout::zero_paper) return {2, 2, 12};
  if (layout == StateLayout::pure_bf16) return {2, 2, 8};
  if (precision == Precision::fp16) return {2, 2, 16};
  return {2, 4, 12};  // bf16 and fp8: fp32 gradient buffer
}

double micro_batches_in_flight(const ParallelPlan& plan, const TrainingSetup& training, int stage) {
  const double m = static_cast<double>(plan.micro_batches(training));
  const double p = plan.pp, s = stage, v = plan.vpp;
  switch (plan.schedule) {
    case Schedule::gpipe: return m;
    case Schedule::one_f_one_b: return std::min(p - s, m);
    case Schedule::interleaved_1f1b: return std::min(2 * (p - s - 1) + (v - 1) * p + 1, m * v) / v;
  }
  return m;
}

double MemoryBreakdown::total_bytes() const {
  return model_state_bytes() + activation_bytes + embedding_output_bytes + temporary_bytes +
         framework_bytes + fragmentation_bytes;
}

MemoryBreakdown memory_per_rank(const ModelSpec& model, const TrainingSetup& training,
                                const ParallelPlan& plan, int stage, const MemoryOptions& options) {
  Shard shard = shard_of(plan, training);
  shard.flash_attention = options.flash_attention;
  const auto layers = stage_layer_indices(model, plan, stage);
  const StateBytes per_param = state_bytes_per_param(training.precision, options.layout);
  const StageContents c = stage_contents(model, plan, shard, layers, stage, per_param.weights);

  MemoryBreakdown b;
  b.stage = stage;
  b.layers = static_cast<int>(layers.size());
  b.params = c.params.total();
  b.trained_params = c.trained.total();
  add_model_state(b, c, plan, per_param);
  b.activation_bytes_per_micro_batch = c.saved_per_micro_batch;
  b.micro_batches_in_flight = micro_batches_in_flight(plan, training, stage);
  b.activation_bytes = c.saved_per_micro_batch * b.micro_batches_in_flight;
  b.embedding_output_bytes = c.edge_saved_per_micro_batch * b.micro_batches_in_flight;
  if (plan.zero >= 3) b.temporary_bytes += 2 * c.largest_layer_bytes;
  b.temporary_bytes += c.largest_layer_unrecomputed + c.largest_dequantized;
  b.framework_bytes = options.framework_bytes;
  b.fragmentation_bytes = options.fragmentation * (b.model_state_bytes() + b.activation_bytes +
                                                   b.embedding_output_bytes + b.temporary_bytes);
  return b;
}

double MemoryVerdict::tight_margin_bytes() const {
  return std::max(kTightShare * capacity_bytes, kTightBytes);
}

MemoryFit MemoryVerdict::fit() const {
  if (!fits()) return MemoryFit::does_not_fit;
  return tight() ? MemoryFit::tight : MemoryFit::fits;
}

double MemoryVerdict::headroom_bytes() const {
  return capacity_bytes - stages.at(worst_stage).total_bytes();
}

MemoryVerdict check_memory(const ModelSpec& model, const TrainingSetup& training,
                           const ParallelPlan& plan, double capacity_bytes,
                           const MemoryOptions& options) {
  MemoryVerdict v;
  v.capacity_bytes = capacity_bytes;
  for (int s = 0; s < plan.pp; ++s) {
    v.stages.push_back(memory_per_rank(model, training, plan, s, options));
    if (v.stages.back().total_bytes() > v.stages[v.worst_stage].total_bytes()) v.worst_stage = s;
  }
  return v;
}

std::string to_string(StateLayout layout) {
  switch (layout) {
    case StateLayout::megatron: return "megatron";
    case StateLayout::zero_paper: return "zero-paper";
    case StateLayout::pure_bf16: return "pure-bf16";
  }
  return "?";
}

std::string to_string(MemoryFit fit) {
  switch (fit) {
    case MemoryFit::fits: return "fits";
    case MemoryFit::tight: return "tight";
    case MemoryFit::does_not_fit: return "does not fit";
  }
  return "?";
}

}  // namespace dtsim::models
