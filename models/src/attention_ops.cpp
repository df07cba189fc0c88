// The attention block: norm, projections, rotary embedding, attention core, output projection,
// dropout and residual. Megatron-LM's column-parallel QKV and row-parallel output projection
// (Shoeybi et al. 2019, Sec. 3) split heads over tensor-parallel ranks.
#include "op_builder.hpp"

namespace dtsim::models::detail {
namespace {

// Q, K, V from the normalized hidden state (GPT, Llama: one fused column-parallel GEMM).
void add_qkv(OpList& ops, const Dims& d) {
  const auto& m = d.m;
  const double q = d.heads * m.qk_head_dim(), kv = d.kv_heads * (m.qk_head_dim() + m.v_head_dim());
  double params = d.h * (q + kv);
  if (m.bias) params += q + kv;
  // A parallel block's MLP reads the same normalized input, kept here once.
  ops.linear("qkv", {.shape = {d.tokens, q + kv, d.h},
                     .params = params,
                     .target = Target::attention,
                     .matrices = 3,
                     .input_bytes = d.act * d.tokens_sp * d.h,
                     .input_needed = m.parallel_block && ops.keeps_input(Target::mlp)});
}

// One of MLA's projections: a single matrix of the attention target.
void add_projection(OpList& ops, const std::string& name, GemmShape shape, double input_bytes) {
  ops.linear(name, {.shape = shape,
                    .params = shape.k * shape.n,
                    .target = Target::attention,
                    .input_bytes = input_bytes});
}

// RMSNorm over a latent of `width` channels (all tokens: the latents are not sequence-split).
void add_latent_norm(OpList& ops, const Dims& d, const std::string& name, double width) {
  const double e = d.tokens * width;
  ops.elementwise(name,
                  {e, kRmsNormFlops, tensor_bytes(d, e, 1, 1), tensor_bytes(d, e, 2, 1), width},
                  {d.act * e, 0});
}

// Multi-head latent attention (DeepSeek-V2, arXiv:2405.04434, Eq. 37-47): the down
// projections are replicated on every TP rank (Megatron-LM builds them "duplicated"), the up
// projections are column-parallel. The normalized hidden state they read is kept once.
void add_mla_projections(OpList& ops, const Dims& d) {
  const auto& m = d.m;
  const auto& a = *m.mla;
  const double q_lora = static_cast<double>(a.q_lora_rank);
  const double kv_lora = static_cast<double>(a.kv_lora_rank);
  const double q_out = d.heads * m.qk_head_dim();
  const double input = d.act * d.tokens_sp * d.h;
  if (q_lora > 0) {
    add_projection(ops, "q_down", {d.tokens, q_lora, d.h}, input);
    add_latent_norm(ops, d, "q_norm", q_lora);
    add_projection(ops, "q_up", {d.tokens, q_out, q_lora}, d.act * d.tokens * q_lora);
  } else {
    add_projection(ops, "q_proj", {d.tokens, q_out, d.h}, input);
  }
  const double kv_down = kv_lora + static_cast<double>(a.rope_head_dim);
  add_projection(ops, "kv_down", {d.tokens, kv_down, d.h}, 0);
  add_latent_norm(ops, d, "kv_norm", kv_lora);
  const double kv_out = d.heads * static_cast<double>(m.head_dim + a.v_head_dim);
  add_projection(ops, "kv_up", {d.tokens, kv_out, kv_lora}, d.act * d.tokens * kv_lora);
}

void add_rope(OpList& ops, const Dims& d) {
  const auto& m = d.m;
  // Rotates queries and keys (under MLA only their rotary channels; the rotary key is shared).
  const double e = m.mla ? d.tokens * (d.heads + 1) * static_cast<double>(m.mla->rope_head_dim)
                         : d.tokens * (d.heads + d.kv_heads) * static_cast<double>(m.head_dim);
  ops.elementwise("rope", {e, kRopeFlops, tensor_bytes(d, e, 1, 1), tensor_bytes(d, e, 1, 1)}, {});
}

// Without FlashAttention: QK^T, softmax, dropout, and the product with V as separate kernels,
// the s x s tensors kept (Korthikanti et al. 2022, Sec. 4.1: 2as^2b + as^2b + 2as^2b).
void add_unfused_core(OpList& ops, const Dims& d, double kv_heads) {
  const auto& m = d.m;
  const double dqk = static_cast<double>(m.qk_head_dim()), dv = static_cast<double>(m.v_head_dim());
  const double heads = d.b * d.heads;
  const double scores = heads * d.s_q * d.s_k;
  const double qk = d.act * d.b * d.s_q * (d.heads + kv_heads) * dqk;
  ops.attention_gemm("attention_scores", {d.s_q, d.s_k, dqk, heads}, {qk, 0});
  ops.elementwise(
      "softmax",
      {scores, kSoftmaxFlops, tensor_bytes(d, scores, 1, 1), tensor_bytes(d, scores, 2, 1)},
      {0, d.act * scores}, true);
  if (m.dropout)
    ops.elementwise("attention_dropout",
                    {scores, kDropoutFlops, tensor_bytes(d, scores, 1, 1) + scores,
                     tensor_bytes(d, scores, 1, 1) + scores},
                    {0, scores}, true);
  // The product with V keeps V and its other operand: the dropout output (without dropout
  // that is the softmax output, already kept).
  const double v = d.act * d.b * d.s_q * kv_heads * dv;
  ops.attention_gemm("attention_context", {d.s_q, dv, d.s_k, heads},
                     {v, m.dropout ? d.act * scores : 0});
}

}  // namespace

void add_attention(OpList& ops, const Dims& d) {
  const auto& m = d.m;
  add_norm(ops, d, "attention_norm");
  if (m.mla)
    add_mla_projections(ops, d);
  else
    add_qkv(ops, d);
  if (m.positions == PositionKind::rope) add_rope(ops, d);
  // MLA expands keys and values for every head.
  const double kv_heads = m.mla ? d.heads : d.kv_heads;
  if (d.shard.flash_attention)
    ops.flash_attention("attention_core", static_cast<double>(m.qk_head_dim()),
                        static_cast<double>(m.v_head_dim()), kv_heads);
  else
    add_unfused_core(ops, d, kv_heads);
  const double in = d.heads * static_cast<double>(m.v_head_dim());
  const double params = in * d.h + (m.bias ? d.h : 0);
  // FlashAttention's backward reads its output O, which is this projection's input.
  ops.linear("attention_out", {.shape = {d.tokens, d.h, in},
                               .params = params,
                               .target = Target::attention,
                               .input_bytes = d.act * d.tokens * in,
                               .input_needed = d.shard.flash_attention});
  add_dropout_add(ops, d, "attention_dropout_add");
}

}  // namespace dtsim::models::detail
