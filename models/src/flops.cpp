#include "dtsim/models/flops.hpp"

namespace dtsim::models {

double attention_core_forward_flops_per_token(const ModelSpec& m, int seq_len) {
  return 2.0 * 2.0 * seq_len * static_cast<double>(m.q_width());
}

double layer_forward_flops_per_token(const ModelSpec& m, int seq_len, bool moe_layer) {
  const double h = static_cast<double>(m.hidden);
  const double qkv = 2.0 * h * static_cast<double>(m.q_width() + 2 * m.kv_width());
  const double out = 2.0 * static_cast<double>(m.q_width()) * h;
  const double gated = m.mlp == MlpKind::swiglu ? 1.5 : 1.0;
  double routed = 1.0;
  double shared = 0.0;
  if (moe_layer) {
    routed = m.moe->top_k;
    shared = m.moe->shared_experts;
  }
  const double mlp = 4.0 * h * static_cast<double>(mlp_width(m, moe_layer)) * gated *
                     (routed + shared);
  return qkv + out + attention_core_forward_flops_per_token(m, seq_len) + mlp;
}

double logits_forward_flops_per_token(const ModelSpec& m) {
  return 2.0 * static_cast<double>(m.hidden) * static_cast<double>(m.vocab);
}

StepFlops step_flops(const ModelSpec& m, const TrainingSetup& t, Recompute recompute) {
  double layers_fwd = 0;
  double recomputed = 0;
  for (int l = 0; l < m.layers; ++l) {
    const double f = layer_forward_flops_per_token(m, t.seq_len, m.is_moe_layer(l));
    layers_fwd += f;
    if (recompute == Recompute::full) recomputed += f;
    if (recompute == Recompute::selective)
      recomputed += attention_core_forward_flops_per_token(m, t.seq_len);
  }
  const double tokens = t.tokens_per_step();
  StepFlops s;
  s.model = 3.0 * (layers_fwd + logits_forward_flops_per_token(m)) * tokens;
  s.hardware = s.model + recomputed * tokens;
  return s;
}

}  // namespace dtsim::models
