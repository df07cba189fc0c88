// Activation memory the operators keep, against Korthikanti et al. 2022 ("Reducing Activation
// Recomputation in Large Transformer Models"), Table 2 and Sec. 4.3 and 5.
#include "dtsim/models/operators.hpp"

#include <catch2/catch.hpp>

#include "zoo_model.hpp"

using namespace dtsim;
using models::Recompute;
using test::zoo_model;

namespace {

// GPT-3 175B, one 2048-token sequence, unfused attention with dropout: the paper's setting.
const double s = 2048, b = 1, h = 12288, a = 96, v = 51200, t = 8;
const double sbh = s * b * h;

models::Shard shard(int tp, bool sp, Recompute recompute, bool flash = false) {
  models::Shard sh;
  sh.tp = tp;
  sh.sequence_parallel = sp;
  sh.recompute = recompute;
  sh.seq_len = static_cast<int>(s);
  sh.micro_batch = static_cast<int>(b);
  sh.flash_attention = flash;
  return sh;
}

double layer_bytes(const models::Shard& sh, const char* model = "gpt3-175b") {
  return models::saved_bytes(models::layer_operators(zoo_model(model), sh, 0));
}

}  // namespace

TEST_CASE("Korthikanti Table 2, row 1: no parallelism, sbh(34 + 5as/h)",
          "[models][memory][korthikanti]") {
  CHECK(layer_bytes(shard(1, false, Recompute::none)) == Approx(sbh * (34 + 5 * a * s / h)));
}

TEST_CASE("Korthikanti Table 2, row 2: tensor parallel, sbh(10 + 24/t + 5as/(ht))",
          "[models][memory][korthikanti]") {
  CHECK(layer_bytes(shard(8, false, Recompute::none)) ==
        Approx(sbh * (10 + 24 / t + 5 * a * s / (h * t))));
}

TEST_CASE("Korthikanti Table 2, row 3: tensor + sequence parallel, sbh/t (34 + 5as/h)",
          "[models][memory][korthikanti]") {
  CHECK(layer_bytes(shard(8, true, Recompute::none)) == Approx(sbh / t * (34 + 5 * a * s / h)));
}

TEST_CASE("Korthikanti Table 2, row 4: tensor parallel + selective recompute, sbh(10 + 24/t)",
          "[models][memory][korthikanti]") {
  CHECK(layer_bytes(shard(8, false, Recompute::selective)) == Approx(sbh * (10 + 24 / t)));
}

TEST_CASE("Korthikanti Table 2, row 5: tensor + sequence parallel + selective recompute, 34 sbh/t",
          "[models][memory][korthikanti]") {
  CHECK(layer_bytes(shard(8, true, Recompute::selective)) == Approx(34 * sbh / t));
}

TEST_CASE("full recompute keeps the layer input: 2sbh, 2sbh/t with SP (Korthikanti Sec. 5)",
          "[models][memory][korthikanti]") {
  CHECK(layer_bytes(shard(8, false, Recompute::full)) == Approx(2 * sbh));
  CHECK(layer_bytes(shard(8, true, Recompute::full)) == Approx(2 * sbh / t));
}

TEST_CASE("FlashAttention drops the 5as/h term and keeps an fp32 log-sum-exp", "[models][memory]") {
  // 34 sbh/t as row 5, plus 4 bytes per query and head: 4 a s b / t.
  CHECK(layer_bytes(shard(8, true, Recompute::none, true)) ==
        Approx(34 * sbh / t + 4 * a * s * b / t));
  // Selective recompute then only drops the log-sum-exp.
  CHECK(layer_bytes(shard(8, true, Recompute::selective, true)) == Approx(34 * sbh / t));
}

TEST_CASE("embedding and output layer keep what Korthikanti Sec. 4.3 lists",
          "[models][memory][korthikanti]") {
  const auto m = zoo_model("gpt3-175b");
  const auto sh = shard(8, true, Recompute::selective);
  // Embedding dropout mask: sbh/t.
  CHECK(models::saved_bytes(models::embedding_operators(m, sh)) == Approx(sbh / t));
  // Final LayerNorm input 2sbh/t, output layer input 2sbh/t, fp32 logits 4sbv/t.
  CHECK(models::saved_bytes(models::head_operators(m, sh)) ==
        Approx(4 * sbh / t + 4 * s * b * v / t));
}

TEST_CASE("GQA, SwiGLU, no dropout: each kernel keeps what its backward reads",
          "[models][memory]") {
  // Llama 3 70B per token and layer, FlashAttention, no parallelism: two RMSNorm inputs, the
  // QKV and fc1 inputs (2h each), the output projection input (2 a d), Q, K, V at their own
  // widths (2 (a d + 2 g d)), the log-sum-exp (4a), SwiGLU's gate and up (4f), fc2's input (2f).
  const double h = 8192, q = 64 * 128, kv = 8 * 128, f = 28672, tokens = 4096;
  const double per_token = 4 * 2 * h + 2 * q + 2 * (q + 2 * kv) + 4 * 64 + 4 * f + 2 * f;
  models::Shard sh;
  sh.seq_len = static_cast<int>(tokens);
  CHECK(layer_bytes(sh, "llama3-70b") == Approx(per_token * tokens));
  // Context parallelism splits the sequence: half of it on each of two ranks.
  sh.cp = 2;
  CHECK(layer_bytes(sh, "llama3-70b") == Approx(per_token * tokens / 2));
}

TEST_CASE("selective recompute re-runs the attention core, full recompute every operator",
          "[models]") {
  const auto m = zoo_model("gpt3-175b");
  for (const auto& op : models::layer_operators(m, shard(8, true, Recompute::selective, true), 0)) {
    INFO(op.name);
    CHECK(op.recompute.runs() == (op.name == "attention_core"));
  }
  for (const auto& op : models::layer_operators(m, shard(8, true, Recompute::full, true), 0))
    CHECK(op.recompute.executed_flops == op.forward.executed_flops);
}

TEST_CASE("operators carry the GEMM shapes of Megatron-LM's tensor-parallel layer", "[models]") {
  // GPT-3 175B on TP8 with SP: the QKV GEMM is [s x h] x [h x 3h/8] on every rank.
  const auto ops =
      models::layer_operators(zoo_model("gpt3-175b"), shard(8, true, Recompute::none, true), 0);
  const auto qkv =
      std::find_if(ops.begin(), ops.end(), [](const auto& op) { return op.name == "qkv"; });
  REQUIRE(qkv != ops.end());
  CHECK(*qkv->forward.gemm == models::GemmShape{s, 3 * h / t, h, 1});
  // dgrad [s x 3h/8] x [3h/8 x h]; wgrad [h x s] x [s x 3h/8].
  CHECK(*qkv->backward_input.gemm == models::GemmShape{s, h, 3 * h / t, 1});
  CHECK(*qkv->backward_weight.gemm == models::GemmShape{h, 3 * h / t, s, 1});
  CHECK(qkv->parameters == Approx((h * 3 * h + 3 * h) / t));
}

TEST_CASE("the output layer's cross entropy and the embedding's backward move what Megatron-LM's kernels move",
          "[models][operators]") {
  const auto m = zoo_model("gpt3-175b");
  const auto sh = shard(8, true, Recompute::selective);
  const double logits = s * b * v / t;  // this rank's vocab shard of every token
  auto find = [](const std::vector<models::Operator>& ops, const std::string& name) {
    for (const auto& op : ops)
      if (op.name == name) return op;
    FAIL("no operator " << name);
    return models::Operator{};
  };
  // Unfused fp32 cross entropy (megatron/core/tensor_parallel/cross_entropy.py): cast 2+4,
  // max 4, subtract 4+4, exp 4+4, sum 4, divide 4+4 = 38 bytes per logit forward; scale 4+4
  // and cast back 4+2 = 14 backward.
  const auto ce = find(models::head_operators(m, sh), "cross_entropy");
  CHECK(ce.forward.bytes == Approx(38 * logits));
  CHECK(ce.backward_input.bytes == Approx(14 * logits));
  // Embedding backward: dY read (2 sbh/t under sequence parallelism) and, per micro-batch, the
  // dense vocab/t x h table zero-filled (2), read (2) and added into the fp32 main gradient (4+4).
  const auto lookup = find(models::embedding_operators(m, sh), "embedding");
  CHECK(lookup.backward_input.bytes == Approx(2 * sbh / t + 12 * v * h / t));
}
