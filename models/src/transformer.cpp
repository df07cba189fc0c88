#include "dtsim/models/transformer.hpp"

namespace dtsim::models {
namespace {

// Matrices in one MLP: two for gelu/relu/squared-relu, three for swiglu (gate, up, down).
int mlp_matrices(MlpKind kind) {
  return kind == MlpKind::swiglu ? 3 : 2;
}

double mlp_params(const ModelSpec& m, std::int64_t width) {
  const double h = static_cast<double>(m.hidden);
  const double f = static_cast<double>(width);
  double p = mlp_matrices(m.mlp) * h * f;
  if (m.bias) p += (mlp_matrices(m.mlp) - 1) * f + h;
  return p;
}

double norm_params(const ModelSpec& m, double width) {
  return m.norm == NormKind::layernorm && m.norm_bias ? 2 * width : width;
}

// DeepSeek-V2 paper, Sec. 2.1.2: W_DQ (h x q_lora), W_UQ (q_lora x a(d + d_rope)), W_DKV and
// the shared rotary key W_KR (h x (kv_lora + d_rope)), W_UK and W_UV (kv_lora x a(d + d_v)),
// W_O (a d_v x h), and the RMSNorms on both latents.
double mla_params(const ModelSpec& m) {
  const double h = static_cast<double>(m.hidden);
  const auto& a = *m.mla;
  const double heads = m.heads;
  const double q_lora = static_cast<double>(a.q_lora_rank);
  const double kv_lora = static_cast<double>(a.kv_lora_rank);
  const double q_out = heads * static_cast<double>(m.qk_head_dim());
  double p = q_lora > 0 ? h * q_lora + q_lora + q_lora * q_out : h * q_out;
  p += h * (kv_lora + static_cast<double>(a.rope_head_dim)) + kv_lora;
  p += kv_lora * heads * static_cast<double>(m.head_dim + a.v_head_dim);
  p += heads * static_cast<double>(a.v_head_dim) * h;
  return p;
}

double attention_params(const ModelSpec& m) {
  if (m.mla) return mla_params(m);
  const double h = static_cast<double>(m.hidden);
  const double qkv_out = static_cast<double>(m.q_width() + m.k_width() + m.v_width());
  double p = h * qkv_out + static_cast<double>(m.heads * m.v_head_dim()) * h;
  if (m.bias) p += qkv_out + h;
  return p;
}

}  // namespace

int norms_per_layer(const ModelSpec& model) {
  return model.parallel_block ? 1 : 2;
}

ParamCount count_params(const ModelSpec& m) {
  ParamCount c;
  const double h = static_cast<double>(m.hidden);
  c.attention = attention_params(m);
  c.mlp_dense = mlp_params(m, m.ffn);
  c.norms = norms_per_layer(m) * norm_params(m, h);
  c.final_norm = norm_params(m, h);
  c.embedding = static_cast<double>(m.vocab) * h;
  if (m.positions == PositionKind::learned) c.embedding += m.seq_len * h;
  if (m.embedding_norm) c.embedding += norm_params(m, h);
  c.output = m.tied_embeddings ? 0 : static_cast<double>(m.vocab) * h;

  double active_moe = 0;
  if (m.moe) {
    c.expert = mlp_params(m, m.moe->expert_ffn);
    c.mlp_moe = (m.moe->experts + m.moe->shared_experts) * c.expert + h * m.moe->experts;
    active_moe = (m.moe->top_k + m.moe->shared_experts) * c.expert + h * m.moe->experts;
  }
  const int moe_layers = m.moe_layers();
  const int dense_layers = m.layers - moe_layers;
  const double common = m.layers * (c.attention + c.norms) + dense_layers * c.mlp_dense +
                        c.embedding + c.output + c.final_norm;
  c.total = common + moe_layers * c.mlp_moe;
  c.active_per_token = common + moe_layers * active_moe;
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

std::string to_string(PositionKind kind) {
  switch (kind) {
    case PositionKind::learned: return "learned";
    case PositionKind::rope: return "rope";
    case PositionKind::alibi: return "alibi";
  }
  return "?";
}

}  // namespace dtsim::models
