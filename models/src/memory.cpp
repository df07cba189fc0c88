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

// Parameters one rank holds, split into those sharded over dp x cp and routed experts.
struct HeldParams {
  double dense = 0;
  double expert = 0;
  double total() const { return dense + expert; }
};

void add_params(HeldParams& held, const std::vector<Operator>& ops) {
  for (const auto& op : ops) (op.expert ? held.expert : held.dense) += op.parameters;
}

double sharded(double bytes, bool shard, double ranks) { return shard ? bytes / ranks : bytes; }

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
  Shard no_recompute = shard;
  no_recompute.recompute = Recompute::none;

  MemoryBreakdown b;
  b.stage = stage;
  HeldParams held;
  double per_micro_batch = 0, largest_layer = 0, largest_working_set = 0;
  const auto layers = stage_layer_indices(model, plan, stage);
  b.layers = static_cast<int>(layers.size());
  for (int l : layers) {
    const auto ops = layer_operators(model, shard, l);
    add_params(held, ops);
    per_micro_batch += saved_bytes(ops);
    double layer_params = 0;
    for (const auto& op : ops) layer_params += op.parameters;
    largest_layer = std::max(largest_layer, layer_params);
    if (shard.recompute == Recompute::full)
      largest_working_set =
          std::max(largest_working_set, saved_bytes(layer_operators(model, no_recompute, l)));
  }
  double extra_per_micro_batch = 0;
  if (stage == 0) {
    const auto ops = embedding_operators(model, shard);
    add_params(held, ops);
    extra_per_micro_batch += saved_bytes(ops);
  }
  if (stage == plan.pp - 1) {
    const auto ops = head_operators(model, shard);
    add_params(held, ops);
    extra_per_micro_batch += saved_bytes(ops);
    if (model.tied_embeddings && plan.pp > 1)
      held.dense += static_cast<double>(model.vocab) * static_cast<double>(model.hidden) / plan.tp;
  }

  const StateBytes per_param = state_bytes_per_param(training.precision, options.layout);
  const double dense_ranks = static_cast<double>(plan.dp) * plan.cp;
  const double expert_ranks = dense_ranks / plan.ep;
  auto state = [&](double bytes_per_param, bool shard_it) {
    return sharded(held.dense * bytes_per_param, shard_it, dense_ranks) +
           sharded(held.expert * bytes_per_param, shard_it, expert_ranks);
  };
  b.params = held.total();
  b.weights_bytes = state(per_param.weights, plan.zero >= 3);
  b.grads_bytes = state(per_param.grads, plan.zero >= 2);
  b.optimizer_bytes = state(per_param.optimizer, plan.zero >= 1);

  b.activation_bytes_per_micro_batch = per_micro_batch;
  b.micro_batches_in_flight = micro_batches_in_flight(plan, training, stage);
  b.activation_bytes = per_micro_batch * b.micro_batches_in_flight;
  b.embedding_output_bytes = extra_per_micro_batch * b.micro_batches_in_flight;
  if (plan.zero >= 3) b.temporary_bytes += 2 * largest_layer * per_param.weights;
  b.temporary_bytes += largest_working_set;
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
