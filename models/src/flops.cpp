#include "dtsim/models/flops.hpp"

#include "dtsim/models/operators.hpp"

namespace dtsim::models {
namespace {

// One whole sequence on one accelerator: per-token counts are these divided by seq_len.
Shard one_sequence(int seq_len, Recompute recompute = Recompute::none,
                   const Finetune& finetune = {}) {
  Shard s;
  s.seq_len = seq_len;
  s.recompute = recompute;
  s.finetune = finetune;
  return s;
}

// A layer index of the requested kind (dense or MoE).
int layer_of_kind(const ModelSpec& m, bool moe_layer) {
  return moe_layer && m.moe ? m.moe->dense_first_layers : 0;
}

}  // namespace

double attention_core_forward_flops_per_token(const ModelSpec& m, int seq_len) {
  double flops = 0;
  for (const auto& op : layer_operators(m, one_sequence(seq_len, Recompute::selective), 0))
    flops += op.recompute.flops;
  return flops / seq_len;
}

double layer_forward_flops_per_token(const ModelSpec& m, int seq_len, bool moe_layer) {
  const auto ops = layer_operators(m, one_sequence(seq_len), layer_of_kind(m, moe_layer));
  return counted_flops(ops, Pass::forward) / seq_len;
}

double logits_forward_flops_per_token(const ModelSpec& m) {
  // The output layer's FLOPs per token do not depend on the sequence length.
  constexpr int kOneToken = 1;
  return counted_flops(head_operators(m, one_sequence(kOneToken)), Pass::forward);
}

StepFlops step_flops(const ModelSpec& m, const TrainingSetup& t, Recompute recompute) {
  const Shard shard = one_sequence(t.seq_len, recompute, t.finetune);
  double trained = 0, recomputed = 0;
  auto add = [&](const std::vector<Operator>& ops) {
    for (Pass p : {Pass::forward, Pass::backward_input, Pass::backward_weight})
      trained += counted_flops(ops, p);
    recomputed += counted_flops(ops, Pass::recompute);
  };
  add(head_operators(m, shard));
  for (int l = 0; l < m.layers; ++l) add(layer_operators(m, shard, l));
  const double sequences = static_cast<double>(t.global_batch);
  return {trained * sequences, (trained + recomputed) * sequences};
}

}  // namespace dtsim::models
