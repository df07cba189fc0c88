#pragma once
// A decoder-only transformer as training frameworks build it (Megatron-LM, NeMo, MaxText).
#include <cstdint>
#include <optional>
#include <string>

namespace dtsim::models {

enum class MlpKind { gelu, swiglu, relu, squared_relu };
enum class NormKind { layernorm, rmsnorm };
enum class PositionKind { learned, rope };

// Mixture of experts: which layers route, to how many experts, and how wide each expert is.
struct MoeSpec {
  int experts = 0;             // routed experts per MoE layer
  int top_k = 1;               // experts each token is routed to
  int shared_experts = 0;      // always-active experts (DeepSeek)
  std::int64_t expert_ffn = 0; // FFN width of one expert (and of a shared expert)
  int dense_first_layers = 0;  // leading layers with a dense MLP (DeepSeek-V3: 3)
  friend bool operator==(const MoeSpec&, const MoeSpec&) = default;
};

struct ModelSpec {
  std::string id;              // zoo key, empty for inline models
  std::string name;
  int layers = 0;
  std::int64_t hidden = 0;
  int heads = 0;
  int kv_heads = 0;            // == heads for MHA, 1 for MQA, in between for GQA
  std::int64_t head_dim = 0;   // explicit: heads * head_dim need not equal hidden
  std::int64_t ffn = 0;        // MLP width; swiglu has three matrices of this width
  MlpKind mlp = MlpKind::gelu;
  std::int64_t vocab = 0;
  int seq_len = 0;             // the context the model was trained with (a default)
  bool parallel_block = false; // attention and MLP read the same input (GPT-J, PaLM)
  bool bias = true;            // linear layers carry biases (GPT) or not (Llama)
  NormKind norm = NormKind::layernorm;
  PositionKind positions = PositionKind::learned;
  bool tied_embeddings = true; // output layer shares the input embedding matrix
  std::optional<MoeSpec> moe;
  std::string source;
  friend bool operator==(const ModelSpec&, const ModelSpec&) = default;

  std::int64_t q_width() const { return heads * head_dim; }
  std::int64_t kv_width() const { return kv_heads * head_dim; }
  bool is_moe_layer(int layer) const { return moe && layer >= moe->dense_first_layers; }
};

// Parameter counts (weights and biases), exact for the architectures above.
struct ParamCount {
  double attention = 0;   // per layer: QKV and output projection
  double mlp_dense = 0;   // per dense layer
  double mlp_moe = 0;     // per MoE layer: router, all routed and shared experts
  double norms = 0;       // per layer
  double embedding = 0;   // input embedding (+ learned positions)
  double output = 0;      // untied output layer (0 when tied)
  double final_norm = 0;
  double total = 0;
  double active_per_token = 0;  // parameters a token touches (top-k of the experts)
};

ParamCount count_params(const ModelSpec& model);

// Width of the MLP's first matrix as the FLOP count sees it (expert width for MoE layers).
std::int64_t mlp_width(const ModelSpec& model, bool moe_layer);

std::string to_string(MlpKind kind);

}  // namespace dtsim::models
