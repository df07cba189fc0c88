// Inline model definitions: every field of a ../shared/data/calibration.yaml case is accepted,
// and the architecture details that move parameter counts and memory are checked.
#include "config/model_reader.hpp"

#include <catch2/catch.hpp>

#include "dtsim/sim/config/error.hpp"

using namespace dtsim;

namespace {

models::ModelSpec read(const std::string& yaml) {
  auto doc = config::Document::from_text(yaml, "inline.yaml");
  return config::read_model(doc.root(), false).spec;
}

std::string error_of(const std::string& yaml) {
  try {
    read(yaml);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  FAIL("no error for " << yaml);
  return {};
}

}  // namespace

TEST_CASE("a calibration case's model reads as written", "[config][model]") {
  // calibration.yaml TPUv5e-MAXTEXT-16B: ReLU MLP, heads x head_dim (8192) != hidden (5120).
  const auto m = read(R"(
    name: MaxText synthetic 16B
    layers: 32
    hidden: 5120
    heads: 32
    kv_heads: 32
    head_dim: 256
    ffn: 32768
    mlp: relu
    vocab: 32768
    seq_len: 2048
    parallel_block: false
  )");
  CHECK(m.q_width() == 8192);
  CHECK(m.mlp == models::MlpKind::relu);
  CHECK(m.source == "defined in inline.yaml");
  // GPT-style defaults for a non-SwiGLU model.
  CHECK(m.bias);
  CHECK(m.norm_bias);
  CHECK(m.dropout);
  CHECK(m.tied_embeddings);
}

TEST_CASE("MoE and multi-head latent attention fields", "[config][model][moe]") {
  const auto m = read(R"(
    {layers: 4, hidden: 1024, heads: 8, head_dim: 64, ffn: 4096, mlp: swiglu, vocab: 1000,
     seq_len: 512, moe: {experts: 16, top_k: 2, shared_experts: 1, expert_ffn: 512,
     dense_first_layers: 1}, mla: {q_lora_rank: 256, kv_lora_rank: 128, rope_head_dim: 32,
     v_head_dim: 64}}
  )");
  REQUIRE(m.moe);
  CHECK(m.moe->expert_ffn == 512);
  CHECK(m.moe_layers() == 3);
  REQUIRE(m.mla);
  CHECK(m.qk_head_dim() == 96);  // 64 + 32 rotary
  CHECK(m.v_head_dim() == 64);
  // Llama-style defaults for SwiGLU.
  CHECK_FALSE(m.bias);
  CHECK(m.norm == models::NormKind::rmsnorm);
  CHECK_FALSE(m.dropout);
}

TEST_CASE("inconsistent architecture details are errors with their position", "[config][model]") {
  CHECK_THAT(error_of("{layers: 2, hidden: 64, heads: 4, kv_heads: 2, vocab: 10, seq_len: 8, "
                      "mla: {kv_lora_rank: 16, rope_head_dim: 8, v_head_dim: 16}}"),
             Catch::Contains("expected kv_heads equal to heads with multi-head latent attention"));
  CHECK_THAT(error_of("{layers: 2, hidden: 64, heads: 4, vocab: 10, seq_len: 8, norm: rmsnorm, "
                      "norm_bias: true}"),
             Catch::Contains("inline.yaml:1:"));
  CHECK_THAT(
      error_of("{layers: 2, hidden: 64, heads: 4, vocab: 10, seq_len: 8, positions: sinusoid}"),
      Catch::Contains("alibi"));
}
