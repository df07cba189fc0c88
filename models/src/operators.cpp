#include "dtsim/models/operators.hpp"

#include "dtsim/models/finetune.hpp"
#include "op_builder.hpp"

namespace dtsim::models {

using detail::Dims;
using detail::OpList;
using detail::tensor_bytes;

const PassCost& Operator::pass(Pass p) const {
  switch (p) {
    case Pass::forward: return forward;
    case Pass::backward_input: return backward_input;
    case Pass::backward_weight: return backward_weight;
    case Pass::recompute: return recompute;
  }
  return forward;
}

Shard shard_of(const ParallelPlan& plan, const TrainingSetup& training) {
  Shard s;
  s.tp = plan.tp;
  s.cp = plan.cp;
  s.ep = plan.ep;
  s.sequence_parallel = plan.sequence_parallel;
  s.micro_batch = plan.micro_batch;
  s.seq_len = training.seq_len;
  s.precision = training.precision;
  s.recompute = plan.recompute;
  s.finetune = training.finetune;
  return s;
}

std::vector<Operator> layer_operators(const ModelSpec& model, const Shard& shard, int layer) {
  const Dims d(model, shard);
  OpList ops(d);
  detail::add_attention(ops, d);
  detail::add_mlp(ops, d, model.is_moe_layer(layer));
  return ops.finish(shard.recompute);
}

std::vector<Operator> embedding_operators(const ModelSpec& model, const Shard& shard) {
  const Dims d(model, shard);
  OpList ops(d);
  const double e = d.tokens_sp * d.h;
  // Vocabulary-parallel lookup (each TP rank its vocab/tp rows; a reduce combines them). The
  // backward is PyTorch's dense embedding backward: it zero-fills a 16-bit gradient of the
  // whole vocab/tp x h table and scatter-adds dY into it, and Megatron-LM's gradient hook then
  // adds that table into the fp32 main gradient (read 2 + 4, write 4): per micro-batch,
  // 12 bytes per table element besides dY.
  // A frozen table (fine-tuning) has no backward at all.
  const double table = static_cast<double>(model.vocab) * d.h / d.tp;
  const bool frozen = frozen_base(shard.finetune);
  detail::Elementwise lookup{e, 0, tensor_bytes(d, e, 1, 1), frozen ? 0 : d.act * e + 12 * table};
  lookup.params = table;
  if (model.positions == PositionKind::learned) lookup.params += model.seq_len * d.h;
  ops.elementwise("embedding", lookup, {});
  if (model.embedding_norm) detail::add_norm(ops, d, "embedding_norm");
  // Korthikanti et al. 2022, Sec. 4.3: the embedding dropout keeps its mask, sbh/t bytes.
  if (model.dropout)
    ops.elementwise(
        "embedding_dropout",
        {e, detail::kDropoutFlops, tensor_bytes(d, e, 1, 1) + e, tensor_bytes(d, e, 1, 1) + e},
        {e, 0});
  return ops.finish(Recompute::none);
}

std::vector<Operator> head_operators(const ModelSpec& model, const Shard& shard) {
  const Dims d(model, shard);
  OpList ops(d);
  detail::add_norm(ops, d, "final_norm");
  const double v = static_cast<double>(model.vocab) / d.tp;
  // Korthikanti et al. 2022, Sec. 4.3: the output layer keeps its input (2sbh/t with SP) and
  // the cross entropy its fp32 logits (4sbv/t). A tied output layer shares the embedding's
  // weights (pipeline stages other than the first keep a copy: see memory.hpp). Fine-tuning
  // neither adapts nor quantizes it (finetune.hpp).
  ops.linear("logits", {.shape = {d.tokens, v, d.h},
                        .params = model.tied_embeddings ? 0 : v * d.h,
                        .decoder = false,
                        .input_bytes = d.act * d.tokens_sp * d.h});
  // Megatron-LM's vocab-parallel cross entropy (megatron/core/tensor_parallel/cross_entropy.py,
  // unfused, the default) runs one kernel per step on fp32 logits: cast from 16 bits (read 2,
  // write 4), max (read 4), subtract the max in place (4 + 4), exp in place (4 + 4), sum (4),
  // divide into the softmax it keeps (4 + 4): 38 bytes per logit. The backward scales the
  // softmax by the loss gradient in place (4 + 4) and casts it back for the output layer
  // (4 + 2): 14 bytes.
  const double logits = d.tokens * v;
  ops.elementwise("cross_entropy", {logits, detail::kCrossEntropyFlops, 38 * logits, 14 * logits},
                  {4 * logits, 0});
  return ops.finish(Recompute::none);
}

Operator optimizer_operator(double params, double grad_bytes_per_param) {
  Operator op;
  op.name = "optimizer";
  op.kind = OpKind::elementwise;
  op.precision = Precision::fp32;
  op.forward.executed_flops = detail::kAdamFlops * params;
  // Reads the gradient, fp32 master weight and both moments; writes the three and the
  // 16-bit weight copy: 30 bytes per parameter with fp32 gradients.
  op.forward.bytes = params * (grad_bytes_per_param + 12 + 12 + 2);
  return op;
}

namespace {

template <class F>
double sum(const std::vector<Operator>& ops, F f) {
  double total = 0;
  for (const auto& op : ops) total += f(op);
  return total;
}

}  // namespace

double counted_flops(const std::vector<Operator>& ops, Pass pass) {
  return sum(ops, [&](const Operator& op) { return op.pass(pass).flops; });
}

double saved_bytes(const std::vector<Operator>& ops) {
  return sum(ops, [](const Operator& op) { return op.saved_bytes; });
}

std::string to_string(OpKind kind) {
  switch (kind) {
    case OpKind::gemm: return "gemm";
    case OpKind::attention: return "attention";
    case OpKind::elementwise: return "elementwise";
  }
  return "?";
}

}  // namespace dtsim::models
