// The MLP block: norm, first matrix (column-parallel), activation, second matrix (row-parallel),
// dropout and residual; for MoE layers a router, token dispatch, grouped expert GEMMs, the
// combine, and shared experts (Megatron-Core MoE; DeepSeek-V3 for shared experts).
#include "op_builder.hpp"

namespace dtsim::models::detail {
namespace {

// Matrices the first projection produces: SwiGLU's gate and up are one fused GEMM.
double fc1_factor(MlpKind kind) {
  return kind == MlpKind::swiglu ? 2 : 1;
}

double activation_flops(MlpKind kind) {
  switch (kind) {
    case MlpKind::gelu: return kGeluFlops;
    case MlpKind::swiglu: return kSwigluFlops;
    case MlpKind::relu: return kReluFlops;
    case MlpKind::squared_relu: return kSquaredReluFlops;
  }
  return 0;
}

// The activation reads the first projection's output (twice as wide for SwiGLU) and writes the
// second's input. It keeps its input, except ReLU, whose saved output is the second matrix's
// input, already kept.
void add_activation(OpList& ops, const Dims& d, const std::string& name, double outputs) {
  const MlpKind kind = d.m.mlp;
  const double inputs = outputs * fc1_factor(kind);
  const double kept = kind == MlpKind::relu ? 0 : d.act * inputs;
  ops.elementwise(
      name,
      {outputs, activation_flops(kind), d.act * (inputs + outputs), d.act * (2 * inputs + outputs)},
      {kept, 0});
}

// One MLP of `width` over `rows` tokens, weights split over TP, `batch` copies (experts).
// `input_kept`: the bytes its first GEMM keeps (0 when another operator keeps that tensor).
void add_matrices(OpList& ops, const Dims& d, const std::string& prefix, double rows, double width,
                  double batch, double input_kept, bool expert = false) {
  const auto& m = d.m;
  const double f = width / d.tp;
  const double f_in = f * fc1_factor(m.mlp);
  const double bias1 = m.bias ? f_in : 0, bias2 = m.bias ? d.h : 0;
  ops.linear(prefix + "fc1", {.shape = {rows, f_in, d.h, batch},
                              .params = batch * (d.h * f_in + bias1),
                              .target = Target::mlp,
                              .matrices = fc1_factor(m.mlp),
                              .expert = expert,
                              .input_bytes = input_kept});
  add_activation(ops, d, prefix + "activation", rows * f * batch);
  // ReLU's backward reads its output, which is the second matrix's input.
  ops.linear(prefix + "fc2", {.shape = {rows, d.h, f, batch},
                              .params = batch * (f * d.h + bias2),
                              .target = Target::mlp,
                              .expert = expert,
                              .input_bytes = d.act * rows * f * batch,
                              .input_needed = m.mlp == MlpKind::relu});
}

// Routed experts. With EP ranks exchanging tokens, each rank runs experts/ep experts on
// ep * tokens * top_k / experts tokens each on average (balanced routing assumed). Experts
// are split over TP like the dense MLP (Megatron-Core's expert tensor parallel size defaults
// to tp). The router keeps its input (`input_kept`) and fp32 scores; the dispatched tokens
// (top_k copies) are kept for fc1's backward.
void add_routed_experts(OpList& ops, const Dims& d, double input_kept) {
  const auto& moe = *d.m.moe;
  const double experts = moe.experts;
  const double ep = d.shard.ep;
  const double slots = d.tokens * moe.top_k;  // token copies this rank processes
  // The router's input is also the shared experts' (kept here once). Its fp32 scores are
  // kept for the softmax's backward, frozen or not: the gradient reaches X through them.
  ops.linear("router", {.shape = {d.tokens_sp, experts, d.h},
                        .params = d.h * experts,
                        .input_bytes = input_kept,
                        .input_needed = moe.shared_experts > 0 && ops.keeps_input(Target::mlp),
                        .other_kept_bytes = 4 * d.tokens_sp * experts});
  const double moved = slots * d.h;
  ops.elementwise("dispatch",
                  {moved, 0, tensor_bytes(d, moved, 1, 1), tensor_bytes(d, moved, 1, 1)}, {});
  add_matrices(ops, d, "experts_", slots * ep / experts, static_cast<double>(moe.expert_ffn),
               experts / ep, d.act * moved, true);
  ops.elementwise("combine", {moved, 2, tensor_bytes(d, moved, 1, 1), tensor_bytes(d, moved, 2, 1)},
                  {});
}

}  // namespace

void add_mlp(OpList& ops, const Dims& d, bool moe_layer) {
  const auto& m = d.m;
  // A parallel block's MLP reads the attention norm's output, kept there as the QKV input.
  if (!m.parallel_block) add_norm(ops, d, "mlp_norm");
  const double input_kept = m.parallel_block ? 0 : d.act * d.tokens_sp * d.h;
  if (!moe_layer) {
    add_matrices(ops, d, "mlp_", d.tokens, static_cast<double>(m.ffn), 1, input_kept);
  } else {
    add_routed_experts(ops, d, input_kept);
    // Shared experts see every token; their input is the router's, kept there.
    if (m.moe->shared_experts > 0)
      add_matrices(ops, d, "shared_", d.tokens,
                   static_cast<double>(m.moe->expert_ffn) * m.moe->shared_experts, 1, 0);
  }
  add_dropout_add(ops, d, "mlp_dropout_add");
}

}  // namespace dtsim::models::detail
