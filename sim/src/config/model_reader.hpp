#pragma once
// Transformer definitions from YAML: zoo entries and inline `model:` maps. The fields are those
// of ../shared/data/calibration.yaml cases (layers, hidden, heads, kv_heads, head_dim, ffn, mlp,
// vocab, seq_len, parallel_block, moe {experts, top_k, shared_experts, expert_ffn,
// dense_first_layers}) plus the architecture details that move parameter counts and memory
// (bias, norm, norm_bias, embedding_norm, positions: learned | rope | alibi, tied_embeddings,
// dropout), whose defaults follow the MLP family (SwiGLU: Llama-style), and multi-head latent
// attention (mla {q_lora_rank, kv_lora_rank, rope_head_dim, v_head_dim}; head_dim is then the
// non-rotary query/key width per head). docs/scenario.md lists every key.
#include <string>
#include <vector>

#include "dtsim/models/zoo.hpp"
#include "yaml_reader.hpp"

namespace dtsim::config {

struct ModelEntry {
  models::ModelSpec spec;
  std::vector<std::string> aliases;
};

// `require_id`: zoo entries must have an id and a source; inline models may omit both.
ModelEntry read_model(const Node& n, bool require_id);

// A scalar names a zoo model; a mapping defines one inline.
models::ModelSpec resolve_model(const Node& n, const models::ModelZoo& zoo);

}  // namespace dtsim::config
