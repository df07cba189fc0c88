#pragma once
// A decoder-only transformer as training frameworks build it (Megatron-LM, NeMo, MaxText).
#include <cstdint>
#include <optional>
#include <string>

namespace dtsim::models {

enum class MlpKind { gelu, swiglu, relu, squared_relu };
enum class NormKind { layernorm, rmsnorm };
// learned: a trained position table (GPT, OPT); rope: rotary (Llama); alibi: linear biases on
// the attention scores (BLOOM). Only `learned` has parameters.
enum class PositionKind { learned, rope, alibi };

// Mixture of experts: which layers route, to how many experts, and how wide each expert is.
struct MoeSpec {
  int experts = 0;              // routed experts per MoE layer
  int top_k = 1;                // experts each token is routed to
  int shared_experts = 0;       // always-active experts (DeepSeek)
  std::int64_t expert_ffn = 0;  // FFN width of one expert (and of a shared expert)
  int dense_first_layers = 0;   // leading layers with a dense MLP (DeepSeek-V3: 3)
  friend bool operator==(const MoeSpec&, const MoeSpec&) = default;
};

// Multi-head latent attention (DeepSeek-V2/V3, arXiv:2405.04434 Sec. 2.1): queries and keys/values
// are projected down to low-rank latents, normalized, and projected up per head. Each head's
// query/key has `head_dim` ("nope") plus `rope_head_dim` rotary channels, the rotary key being
// shared by all heads; values have `v_head_dim` channels.
struct MlaSpec {
  std::int64_t q_lora_rank = 0;  // 0: queries projected directly from the hidden state
  std::int64_t kv_lora_rank = 0;
  std::int64_t rope_head_dim = 0;
  std::int64_t v_head_dim = 0;
  friend bool operator==(const MlaSpec&, const MlaSpec&) = default;
};

struct ModelSpec {
  std::string id;  // zoo key, empty for inline models
  std::string name;
  int layers = 0;
  std::int64_t hidden = 0;
  int heads = 0;
  int kv_heads = 0;           // == heads for MHA, 1 for MQA, in between for GQA
  std::int64_t head_dim = 0;  // explicit: heads * head_dim need not equal hidden
  std::int64_t ffn = 0;       // MLP width; swiglu has three matrices of this width
  MlpKind mlp = MlpKind::gelu;
  std::int64_t vocab = 0;
  int seq_len = 0;              // the context the model was trained with (a default)
  bool parallel_block = false;  // attention and MLP read the same normalized input (GPT-J, PaLM)
  bool bias = true;             // linear layers carry biases (GPT) or not (Llama)
  NormKind norm = NormKind::layernorm;
  bool norm_bias = true;        // LayerNorm has a shift vector (PaLM: none)
  bool embedding_norm = false;  // a LayerNorm right after the embedding (BLOOM)
  PositionKind positions = PositionKind::learned;
  bool tied_embeddings = true;  // output layer shares the input embedding matrix
  bool dropout = true;          // trained with dropout (masks are stored for the backward pass)
  std::optional<MoeSpec> moe;
  std::optional<MlaSpec> mla;
  std::string source;
  friend bool operator==(const ModelSpec&, const ModelSpec&) = default;

  // Per-head widths of queries/keys and of values (they differ only under MLA).
  std::int64_t qk_head_dim() const { return head_dim + (mla ? mla->rope_head_dim : 0); }
  std::int64_t v_head_dim() const { return mla ? mla->v_head_dim : head_dim; }
  std::int64_t q_width() const { return heads * qk_head_dim(); }
  std::int64_t k_width() const { return kv_heads * qk_head_dim(); }
  std::int64_t v_width() const { return kv_heads * v_head_dim(); }
  bool is_moe_layer(int layer) const { return moe && layer >= moe->dense_first_layers; }
  int moe_layers() const { return moe ? layers - moe->dense_first_layers : 0; }
};

// Parameter counts (weights and biases), exact for the architectures above.
struct ParamCount {
  double attention = 0;  // per layer: QKV and output projection (MLA: all its projections)
  double mlp_dense = 0;  // per dense layer
  double mlp_moe = 0;    // per MoE layer: router, all routed and shared experts
  double expert = 0;     // one expert (routed or shared)
  double norms = 0;      // per layer
  double embedding = 0;  // input embedding (+ learned positions, + embedding norm)
  double output = 0;     // untied output layer (0 when tied)
  double final_norm = 0;
  double total = 0;
  double active_per_token = 0;  // parameters a token touches (top-k of the experts)

  // One decoder layer, dense or MoE.
  double layer(bool moe_layer) const {
    return attention + norms + (moe_layer ? mlp_moe : mlp_dense);
  }
};

ParamCount count_params(const ModelSpec& model);

// Normalizations per decoder layer: two, or one shared by both branches of a parallel block.
int norms_per_layer(const ModelSpec& model);

std::string to_string(MlpKind kind);
std::string to_string(PositionKind kind);

}  // namespace dtsim::models
