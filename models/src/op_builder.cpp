#include "op_builder.hpp"

#include <algorithm>
#include <cmath>

#include "dtsim/models/finetune.hpp"

namespace dtsim::models::detail {
namespace {

// FlashAttention-2/3 tile the sequence in blocks of 128 queries and 128 keys for head widths up
// to 128 (Dao 2023, FlashAttention-2, Sec. 3.3; Shah et al. 2024, FlashAttention-3, Sec. 4).
constexpr double kFlashBlock = 128;

double element_bytes(Precision p) {
  return p == Precision::fp32 ? 4 : 2;
}

PassCost gemm_pass(double m, double n, double k, double batch, double bytes) {
  PassCost c;
  c.flops = c.executed_flops = 2 * m * n * k * batch;
  c.bytes = bytes;
  c.gemm = GemmShape{m, n, k, batch};
  return c;
}

}  // namespace

Dims::Dims(const ModelSpec& model, const Shard& sh) : m(model), shard(sh) {
  b = sh.micro_batch;
  s_q = static_cast<double>(sh.seq_len) / sh.cp;
  s_k = sh.seq_len;
  tokens = b * s_q;
  tp = sh.tp;
  tokens_sp = sh.sequence_parallel ? tokens / tp : tokens;
  heads = static_cast<double>(model.heads) / tp;
  kv_heads = std::max(1.0, static_cast<double>(model.kv_heads) / tp);
  h = static_cast<double>(model.hidden);
  act = element_bytes(sh.precision);
  in = sh.precision == Precision::fp8 ? 1 : element_bytes(sh.precision);
  out = element_bytes(sh.precision);
  weight = element_bytes(sh.precision);
  attention_precision = sh.precision == Precision::fp8 ? Precision::bf16 : sh.precision;
}

double tensor_bytes(const Dims& d, double elements, double read, double written) {
  return d.act * elements * (read + written);
}

bool OpList::adapted(Target target) const {
  const Finetune& f = d_.shard.finetune;
  return frozen() &&
         ((target == Target::attention && f.attention) || (target == Target::mlp && f.mlp));
}

bool OpList::keeps_input(Target target, bool decoder) const {
  const bool quantized = decoder && d_.shard.finetune.base_format != WeightFormat::training;
  return !frozen() || adapted(target) || quantized;
}

Operator OpList::trained_gemm(std::string name, GemmShape s, Precision precision) const {
  const double m = s.m, n = s.n, k = s.k, b = s.batch;
  const double in = precision == Precision::fp8 ? 1 : d_.act;
  Operator op;
  op.name = std::move(name);
  op.kind = OpKind::gemm;
  op.precision = precision;
  op.forward = gemm_pass(m, n, k, b, b * (in * (m * k + k * n) + d_.out * m * n));
  // dX = dY W^T; dW = X^T dY, accumulated into an fp32 main-grad buffer (Megatron-LM's
  // gradient_accumulation_fusion): the wgrad GEMM reads and writes 4-byte gradients.
  op.backward_input = gemm_pass(m, k, n, b, b * (in * (m * n + n * k) + d_.out * m * k));
  op.backward_weight = gemm_pass(k, n, m, b, b * (in * (k * m + m * n) + 8 * k * n));
  if (precision == Precision::fp8) {
    // Hopper's FP8 GEMMs take only the TN layout, so Transformer Engine casts the bf16 input
    // to fp8 together with its transpose (for wgrad) before the forward GEMM, and the output
    // gradient likewise before dgrad and wgrad (cast_transpose: read 2, write 1 + 1 bytes
    // per element). The weights' casts happen once per step, not per micro-batch; left out.
    op.forward.cast_bytes = 4 * b * m * k;
    op.backward_input.cast_bytes = 4 * b * m * n;
  }
  return op;
}

void OpList::linear(std::string name, const Linear& l) {
  Operator op = trained_gemm(name, l.shape, d_.shard.precision);
  op.parameters = l.params;
  op.expert = l.expert;
  bool keep = true;
  if (frozen()) {
    const Finetune& f = d_.shard.finetune;
    const GemmShape& s = l.shape;
    const WeightFormat format = l.decoder ? f.base_format : WeightFormat::training;
    const double matrix = s.k * s.n * s.batch;  // the rest of `params` are 16-bit biases
    const double stored = stored_weight_bytes(format, s.k, s.n, s.batch, d_.weight);
    op.backward_weight = {};
    op.trainable = false;
    op.frozen_bytes = stored + (l.params - matrix) * d_.weight;
    if (format != WeightFormat::training) {
      // Dequantized to a 16-bit copy before the forward GEMM and again before dgrad.
      op.dequantized_bytes = d_.weight * matrix;
      op.forward.cast_bytes += stored + op.dequantized_bytes;
      op.backward_input.cast_bytes += stored + op.dequantized_bytes;
    }
    keep = keeps_input(l.target, l.decoder) || l.input_needed;
  }
  entries_.push_back({std::move(op), {(keep ? l.input_bytes : 0) + l.other_kept_bytes, 0}, false});
  if (adapted(l.target)) add_adapters(name, l);
}

void OpList::add_adapters(const std::string& base, const Linear& l) {
  const double r = d_.shard.finetune.rank;
  const double m = l.shape.m, n = l.shape.n, k = l.shape.k, b = l.shape.batch;
  const double a_width = r * l.matrices;  // the fused matrices' A side by side
  // [E] Adapters run at 16 bits: under FP8 training in BF16, like attention (GEMMs this thin
  // are memory-bound, so FP8 would not pay for its casts).
  Operator a = trained_gemm(base + "_lora_a", {m, a_width, k, b}, d_.attention_precision);
  a.parameters = b * a_width * k;
  a.expert = l.expert;
  a.backward_input.bytes += b * d_.out * m * k;  // dX += d(XA) A^T reads the base's dX
  // (XA) B for each fused matrix: r inputs per output column, block-diagonal over the
  // matrices; the result is added to the base GEMM's output, which it reads and writes.
  Operator b_op = trained_gemm(base + "_lora_b", {m, n, r, b}, d_.attention_precision);
  b_op.parameters = b * r * n;
  b_op.expert = l.expert;
  b_op.forward.bytes += b * d_.out * m * n;
  // A's input X is the base GEMM's (kept there); B keeps X A for its weight gradient.
  entries_.push_back({std::move(a), {}, false});
  entries_.push_back({std::move(b_op), {d_.act * b * m * a_width, 0}, false});
}

void OpList::attention_gemm(std::string name, GemmShape s, Saved saved) {
  const double m = s.m, n = s.n, k = s.k, b = s.batch;
  Operator op;
  op.name = std::move(name);
  op.kind = OpKind::gemm;
  op.precision = d_.attention_precision;
  const double in = d_.act;
  op.forward = gemm_pass(m, n, k, b, b * (in * (m * k + k * n) + d_.out * m * n));
  // Both operands are activations: two dgrad GEMMs of the forward's size, no wgrad.
  const double bytes = b * (in * (2 * m * n + m * k + k * n) + d_.out * (m * k + k * n));
  op.backward_input = gemm_pass(m, k, n, 2 * b, bytes);
  entries_.push_back({std::move(op), saved, true});
}

void OpList::flash_attention(std::string name, double dqk, double dv, double kv_heads) {
  const Dims& d = d_;
  const double n_blocks = std::ceil(d.s_k / kFlashBlock);
  // Under a causal mask query block i visits i + 1 of the n key blocks: (n + 1) / 2n of the
  // full score matrix is computed. Context parallelism balances the causal load across ranks
  // (two mirrored chunks per rank), so each rank computes the same fraction.
  const double causal = (n_blocks + 1) / (2 * n_blocks);
  const double scores = d.b * d.heads * d.s_q * d.s_k;
  const double q = d.b * d.s_q * d.heads, kv = d.b * d.s_q * kv_heads;
  const double lse_bytes = 4 * d.b * d.heads * d.s_q;  // fp32 log-sum-exp per query and head

  Operator op;
  op.name = std::move(name);
  op.kind = OpKind::attention;
  op.precision = d.attention_precision;
  op.forward.flops = 2 * scores * (dqk + dv);
  op.forward.executed_flops = op.forward.flops * causal;
  // K and V for all s_k keys pass through each rank (from the CP ring), its own Q and O once.
  const double kv_all = d.b * d.s_k * kv_heads;
  op.forward.bytes = d.act * (q * (dqk + dv) + kv_all * (dqk + dv)) + lse_bytes;
  // Backward: counted as twice the forward (Megatron-LM); executed as five matmuls, the scores
  // QK^T recomputed (3 of width dqk, 2 of width dv), reading Q, K, V, O, dO, writing dQ, dK, dV.
  op.backward_input.flops = 2 * op.forward.flops;
  op.backward_input.executed_flops = 2 * scores * (3 * dqk + 2 * dv) * causal;
  op.backward_input.bytes = d.act * (2 * q * (dqk + dv) + 2 * kv_all * (dqk + dv)) + lse_bytes;
  op.attention = AttentionShape{d.b * d.heads * std::ceil(d.s_q / kFlashBlock), causal * n_blocks};
  const Saved saved{d.act * (q * dqk + kv * (dqk + dv)), lse_bytes};
  entries_.push_back({std::move(op), saved, true});
}

void OpList::elementwise(std::string name, Elementwise e, Saved saved, bool attention_core) {
  Operator op;
  op.name = std::move(name);
  op.kind = OpKind::elementwise;
  op.precision = d_.shard.precision;
  op.parameters = e.params;
  if (frozen() && e.params > 0) {  // norm gains, the embedding table
    op.trainable = false;
    op.frozen_bytes = e.params * d_.weight;
  }
  op.forward.executed_flops = e.flops * e.elements;
  op.forward.bytes = e.forward_bytes;
  op.backward_input.executed_flops = 2 * e.flops * e.elements;
  op.backward_input.bytes = e.backward_bytes;
  entries_.push_back({std::move(op), saved, attention_core});
}

std::vector<Operator> OpList::finish(Recompute mode) {
  std::vector<Operator> ops;
  for (auto& e : entries_) {
    Operator op = std::move(e.op);
    const bool again =
        mode == Recompute::full || (mode == Recompute::selective && e.attention_core);
    if (again) op.recompute = op.forward;
    if (mode == Recompute::none) op.saved_bytes = e.saved.kept + e.saved.scores;
    if (mode == Recompute::selective) op.saved_bytes = e.saved.kept;
    ops.push_back(std::move(op));
  }
  // Full recompute checkpoints the layer input (Korthikanti et al. 2022, Sec. 5: 2sbh per
  // layer; sequence-parallel ranks keep their 1/t share, which is the first norm's input).
  if (mode == Recompute::full && !ops.empty())
    ops.front().saved_bytes = d_.act * d_.tokens_sp * d_.h;
  return ops;
}

void add_norm(OpList& ops, const Dims& d, const std::string& name) {
  const double e = d.tokens_sp * d.h;
  const bool layernorm = d.m.norm == NormKind::layernorm;
  const double flops = layernorm ? kLayerNormFlops : kRmsNormFlops;
  const double params = layernorm && d.m.norm_bias ? 2 * d.h : d.h;
  // Forward reads x, writes y; backward reads x and dy, writes dx. Keeps its input.
  ops.elementwise(name, {e, flops, tensor_bytes(d, e, 1, 1), tensor_bytes(d, e, 2, 1), params},
                  {d.act * e, 0});
}

void add_dropout_add(OpList& ops, const Dims& d, const std::string& name) {
  const double e = d.tokens_sp * d.h;
  const double mask = d.m.dropout ? e : 0;  // one byte per element
  // Megatron-LM's fused bias-dropout-add: reads the branch output and the residual, writes the
  // sum (and the mask); backward reads dy (and the mask), writes the branch gradient.
  ops.elementwise(
      name, {e, kDropoutAddFlops, tensor_bytes(d, e, 2, 1) + mask, tensor_bytes(d, e, 1, 1) + mask},
      {mask, 0});
}

}  // namespace dtsim::models::detail
