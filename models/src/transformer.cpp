#include "dtsim/models/transformer.hpp"

namespace dtsim::models {
namespace {

// Matrices in one MLP: two for gelu/relu/squared-relu, three for swiglu (gate, up, down).
int mlp_matrices(MlpKind kind) { return kind == MlpKind::swiglu ? 3 : 2; }

double mlp_params(const ModelSpec& m, std::int64_t width) {
  const double h = static_cast<double>(m.hidden);
  const double f = static_cast<double>(width);
  double p = mlp_matrices(m.mlp) * h * f;
  if (m.bias) p += (mlp_matrices(m.mlp) - 1) * f + h;
  return p;
}

}  // namespace

std::int64_t mlp_width(const ModelSpec& model, bool moe_layer) {
  return moe_layer ? model.moe->expert_ffn : model.ffn;
}

ParamCount count_params(const ModelSpec& m) {
  ParamCount c;
  const double h = static_cast<double>(m.hidden);
  const double qkv_out = static_cast<double>(m.q_width() + 2 * m.kv_width());
  c.attention = h * qkv_out + static_cast<double>(m.q_width()) * h;
  if (m.bias) c.attention += qkv_out + h;
  c.mlp_dense = mlp_params(m, m.ffn);
  const double norm_params = m.norm == NormKind::layernorm ? 2 * h : h;
  c.norms = 2 * norm_params;
  c.final_norm = norm_params;
  c.embedding = static_cast<double>(m.vocab) * h;
  if (m.positions == PositionKind::learned) c.embedding += m.seq_len * h;
  c.output = m.tied_embeddings ? 0 : static_cast<double>(m.vocab) * h;

  int moe_layers = 0;
  double active_mlp = 0;
  if (m.moe) {
    const double expert = mlp_params(m, m.moe->expert_ffn);
    c.mlp_moe = (m.moe->experts + m.moe->shared_experts) * expert + h * m.moe->experts;
    moe_layers = m.layers - m.moe->dense_first_layers;
    active_mlp = moe_layers * ((m.moe->top_k + m.moe->shared_experts) * expert);
  }
  const int dense_layers = m.layers - moe_layers;
  const double per_layer_common = c.attention + c.norms;
  c.total = m.layers * per_layer_common + dense_layers * c.mlp_dense + moe_layers * c.mlp_moe +
            c.embedding + c.output + c.final_norm;
  c.active_per_token = m.layers * per_layer_common + dense_layers * c.mlp_dense + active_mlp +
                       c.embedding + c.output + c.final_norm;
  return c;
}

std::string to_string(MlpKind kind) {
  switch (kind) {
    case MlpKind::gelu: return "gelu";
    case MlpKind::swiglu: return "swiglu";
    case MlpKind::relu: return "relu";
    case MlpKind::squared_relu: return "squared-relu";
  }
  return "?";
}

}  // namespace dtsim::models
