#pragma once
// Transformer definitions from YAML: zoo entries and inline `model:` maps. The fields are those
// of ../shared/data/calibration.yaml cases (layers, hidden, heads, kv_heads, head_dim, ffn, mlp,
// vocab, seq_len, parallel_block, moe) plus the architecture details that move parameter
// counts (bias, norm, positions, tied_embeddings), whose defaults follow the MLP family.
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
