#include "dtsim/models/memory.hpp"

#include <algorithm>

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

// What one rank of a stage holds, from its operators: parameters (split into those sharded
// over dp x cp and routed experts), kept activations per micro-batch, and the two sizes the
// temporary buffers follow.
struct StageContents {
  double dense_params = 0;
  double expert_params = 0;
  double saved_per_micro_batch = 0;       // decoder layers
  double edge_saved_per_micro_batch = 0;  // embedding, output layer and loss
  double largest_layer_params = 0;
  double largest_layer_unrecomputed = 0;  // one layer's activations without recompute

  void add(const std::vector<Operator>& ops, bool layer) {
    double params = 0;
    for (const auto& op : ops) {
      (op.expert ? expert_params : dense_params) += op.parameters;
      params += op.parameters;
    }
    (layer ? saved_per_micro_batch : edge_saved_per_micro_batch) += saved_bytes(ops);
    if (layer) largest_layer_params = std::max(largest_layer_params, params);
  }
};

StageContents stage_contents(const ModelSpec& model, const ParallelPlan& plan, const Shard& shard,
                             const std::vector<int>& layers, int stage) {
  StageContents c;
  Shard no_recompute = shard;
  no_recompute.recompute = Recompute::none;
  for (int l : layers) {
    c.add(layer_operators(model, shard, l), true);
    if (shard.recompute == Recompute::full)
      c.largest_layer_unrecomputed = std::max(c.largest_layer_unrecomputed,
                                              saved_bytes(layer_operators(model, no_recompute, l)));
  }
  if (stage == 0) c.add(embedding_operators(model, shard), false);
  if (stage == plan.pp - 1) {
    c.add(head_operators(model, shard), false);
    if (model.tied_embeddings && plan.pp > 1)
      c.dense_params +=
          static_cast<double>(model.vocab) * static_cast<double>(model.hidden) / plan.tp;
  }
  return c;
}

// Weights, gradients and optimizer state of one rank under its ZeRO stage.
void add_model_state(MemoryBreakdown& b, const StageContents& c, const ParallelPlan& plan,
                     const StateBytes& per_param) {
  const double dense_ranks = static_cast<double>(plan.shard_group()) * plan.cp;
  const double expert_ranks = dense_ranks / plan.ep;
  auto state = [&](double bytes_per_param, bool sharded) {
    const double dense = c.dense_params * bytes_per_param,
                 expert = c.expert_params * bytes_per_param;
    return sharded ? dense / dense_ranks + expert / expert_ranks : dense + expert;
  };
  b.weights_bytes = state(per_param.weights, plan.zero >= 3);
  b.grads_bytes = state(per_param.grads, plan.zero >= 2);
  b.optimizer_bytes = state(per_param.optimizer, plan.zero >= 1);
}

}  // namespace

StateBytes state_bytes_per_param(Precision precision, StateLayout layout) {
  if (precision == Precision::fp32) return {4, 4, 8};
  if (layout == StateLayout::zero_paper) return {2, 2, 12};
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
  const StageContents c = stage_contents(model, plan, shard, layers, stage);
  const StateBytes per_param = state_bytes_per_param(training.precision, options.layout);

  MemoryBreakdown b;
  b.stage = stage;
  b.layers = static_cast<int>(layers.size());
  b.params = c.dense_params + c.expert_params;
  add_model_state(b, c, plan, per_param);
  b.activation_bytes_per_micro_batch = c.saved_per_micro_batch;
  b.micro_batches_in_flight = micro_batches_in_flight(plan, training, stage);
  b.activation_bytes = c.saved_per_micro_batch * b.micro_batches_in_flight;
  b.embedding_output_bytes = c.edge_saved_per_micro_batch * b.micro_batches_in_flight;
  if (plan.zero >= 3) b.temporary_bytes += 2 * c.largest_layer_params * per_param.weights;
  b.temporary_bytes += c.largest_layer_unrecomputed;
  b.framework_bytes = options.framework_bytes;
  b.fragmentation_bytes = options.fragmentation * (b.model_state_bytes() + b.activation_bytes +
                                                   b.embedding_output_bytes + b.temporary_bytes);
  return b;
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
  }
  return "?";
}

}  // namespace dtsim::models
