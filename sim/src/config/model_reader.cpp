#include "model_reader.hpp"

#include "dtsim/sim/config/suggest.hpp"

namespace dtsim::config {
namespace {

using models::MlpKind;
using models::ModelSpec;

int read_count(MapReader& m, std::string_view key, std::string_view what) {
  return static_cast<int>(as_int(m.require(key, what), 1, 1 << 30));
}

models::MoeSpec read_moe(const Node& n, const ModelSpec& model) {
  MapReader m(n);
  models::MoeSpec moe;
  moe.experts = read_count(m, "experts", "the number of routed experts");
  const Node top_k = m.require("top_k", "experts per token");
  moe.top_k = static_cast<int>(as_int(top_k, 1, moe.experts));
  if (auto s = m.get("shared_experts")) moe.shared_experts = static_cast<int>(as_int(*s, 0, 1024));
  moe.expert_ffn = model.ffn;
  if (auto f = m.get("expert_ffn")) moe.expert_ffn = as_int(*f, 1);
  if (auto d = m.get("dense_first_layers")) {
    moe.dense_first_layers = static_cast<int>(as_int(*d, 0, model.layers - 1));
  }
  m.finish();
  return moe;
}

models::MlaSpec read_mla(const Node& n) {
  MapReader m(n);
  models::MlaSpec mla;
  if (auto q = m.get("q_lora_rank")) mla.q_lora_rank = as_int(*q, 0);
  mla.kv_lora_rank =
      as_int(m.require("kv_lora_rank", "the width of the compressed key/value latent"), 1);
  mla.rope_head_dim =
      as_int(m.require("rope_head_dim", "the rotary channels per query/key head"), 0);
  mla.v_head_dim = as_int(m.require("v_head_dim", "the value channels per head"), 1);
  m.finish();
  return mla;
}

// GPT-style (biases, LayerNorm, learned positions, tied embeddings, dropout) unless the MLP is
// SwiGLU, which in every published model comes with Llama-style choices (none of those).
void read_architecture_details(MapReader& m, ModelSpec& s) {
  const bool llama_style = s.mlp == MlpKind::swiglu;
  s.bias = !llama_style;
  s.norm = llama_style ? models::NormKind::rmsnorm : models::NormKind::layernorm;
  s.positions = llama_style ? models::PositionKind::rope : models::PositionKind::learned;
  s.tied_embeddings = !llama_style;
  s.dropout = !llama_style;
  if (auto b = m.get("bias")) s.bias = as_bool(*b);
  if (auto nm = m.get("norm"))
    s.norm = as_choice<models::NormKind>(
        *nm, {{"layernorm", models::NormKind::layernorm}, {"rmsnorm", models::NormKind::rmsnorm}});
  s.norm_bias = s.norm == models::NormKind::layernorm;
  if (auto nb = m.get("norm_bias")) {
    s.norm_bias = as_bool(*nb);
    if (s.norm_bias && s.norm == models::NormKind::rmsnorm)
      nb->fail("expected norm_bias: false with rmsnorm (it has no shift), found true");
  }
  if (auto e = m.get("embedding_norm")) s.embedding_norm = as_bool(*e);
  if (auto p = m.get("positions"))
    s.positions = as_choice<models::PositionKind>(*p, {{"learned", models::PositionKind::learned},
                                                       {"rope", models::PositionKind::rope},
                                                       {"alibi", models::PositionKind::alibi}});
  if (auto t = m.get("tied_embeddings")) s.tied_embeddings = as_bool(*t);
  if (auto d = m.get("dropout")) s.dropout = as_bool(*d);
}

}  // namespace

ModelEntry read_model(const Node& n, bool require_id) {
  MapReader m(n);
  ModelEntry e;
  ModelSpec& s = e.spec;
  if (require_id)
    s.id = as_string(m.require("id", "the model's name"));
  else if (auto id = m.get("id"))
    s.id = as_string(*id);
  if (auto a = m.get("aliases")) e.aliases = as_string_list(*a);
  s.name = s.id;
  if (auto name = m.get("name")) s.name = as_string(*name);
  s.layers = read_count(m, "layers", "the number of decoder layers");
  s.hidden = as_int(m.require("hidden", "the model width"), 1);
  const Node heads = m.require("heads", "the number of attention heads");
  s.heads = static_cast<int>(as_int(heads, 1, 1 << 20));
  s.kv_heads = s.heads;
  if (auto kv = m.get("kv_heads")) {
    s.kv_heads = static_cast<int>(as_int(*kv, 1, s.heads));
    if (s.heads % s.kv_heads != 0)
      kv->fail("expected a divisor of heads (" + std::to_string(s.heads) + "), found " +
               kv->found());
  }
  if (auto hd = m.get("head_dim")) {
    s.head_dim = as_int(*hd, 1);
  } else {
    if (s.hidden % s.heads != 0)
      heads.fail("expected heads to divide hidden when head_dim is not given, found " +
                 std::to_string(s.hidden) + " / " + std::to_string(s.heads));
    s.head_dim = s.hidden / s.heads;
  }
  s.mlp = MlpKind::gelu;
  if (auto mlp = m.get("mlp"))
    s.mlp = as_choice<MlpKind>(*mlp, {{"gelu", MlpKind::gelu},
                                      {"swiglu", MlpKind::swiglu},
                                      {"relu", MlpKind::relu},
                                      {"squared-relu", MlpKind::squared_relu}});
  s.ffn = 4 * s.hidden;
  if (auto f = m.get("ffn")) s.ffn = as_int(*f, 1);
  s.vocab = as_int(m.require("vocab", "the vocabulary size"), 1);
  s.seq_len = read_count(m, "seq_len", "the training context length");
  if (auto p = m.get("parallel_block")) s.parallel_block = as_bool(*p);

  read_architecture_details(m, s);
  if (auto moe = m.get("moe")) s.moe = read_moe(*moe, s);
  if (auto mla = m.get("mla")) {
    s.mla = read_mla(*mla);
    if (s.kv_heads != s.heads)
      mla->fail(
          "expected kv_heads equal to heads with multi-head latent attention (it expands "
          "keys and values per head), found kv_heads = " +
          std::to_string(s.kv_heads));
  }
  // Zoo entries must say where their numbers come from; inline models default to their file.
  if (require_id)
    s.source = as_string(m.require("source", "where the architecture is published"));
  else if (auto src = m.get("source"))
    s.source = as_string(*src);
  else
    s.source = "defined in " + n.pos().file;
  m.finish();
  return e;
}

models::ModelSpec resolve_model(const Node& n, const models::ModelZoo& zoo) {
  if (n.is_map()) return read_model(n, false).spec;
  const std::string id = n.scalar();
  if (const auto* spec = zoo.find(id)) return *spec;
  n.fail(
      "expected a model from the zoo (see `dtsim model --list`) or an inline definition, found " +
      quoted_input(id) + did_you_mean(id, zoo.names()));
}

}  // namespace dtsim::config
