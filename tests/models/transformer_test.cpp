#include "dtsim/models/transformer.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "zoo_model.hpp"

using namespace dtsim;
using test::zoo_model;

namespace {
double params(const char* id) {
  return models::count_params(zoo_model(id)).total;
}
}  // namespace

TEST_CASE("GPT-3 175B has 174.6B parameters (Narayanan et al. 2021, Table 1)", "[models]") {
  // Narayanan Eq. (2): P = 12 l h^2 (1 + 13/(12h) + (V + s)/(12 l h)), plus the final
  // LayerNorm (2h), which the formula leaves out.
  const double l = 96, h = 12288, V = 51200, s = 2048;
  const double narayanan = 12 * l * h * h * (1 + 13 / (12 * h) + (V + s) / (12 * l * h));
  CHECK(params("gpt3-175b") == Approx(narayanan + 2 * h).epsilon(1e-9));
  CHECK(params("gpt3-175b") / 1e9 == Approx(174.6).epsilon(0.001));
}

TEST_CASE("Llama 3.1 405B has 405B parameters (Llama 3 paper, Table 3)", "[models]") {
  // Hand count: per layer QKV 16384 x (16384 + 2 x 1024), output 16384^2, SwiGLU 3 x 16384 x
  // 53248, two RMSNorms; 126 layers; untied 128256 x 16384 embedding and output; final norm.
  const double layer = 16384.0 * 18432 + 16384.0 * 16384 + 3.0 * 16384 * 53248 + 2 * 16384;
  const double expected = 126 * layer + 2 * 128256.0 * 16384 + 16384;
  CHECK(params("llama3.1-405b") == Approx(expected).epsilon(1e-12));
  CHECK(params("llama3.1-405b") / 1e9 == Approx(405.85).epsilon(0.001));
}

TEST_CASE("PaLM 540B has 540.35B parameters (Chowdhery et al. 2022, Table 1)", "[models]") {
  // Hand count: multi-query attention, Q 18432 x 48*256, one K and one V of 256, output
  // 12288 x 18432; SwiGLU 3 x 18432 x 73728; one bias-free LayerNorm per parallel block (h);
  // 118 layers; shared 256000 x 18432 embedding; final LayerNorm.
  const double h = 18432;
  const double layer = h * (12288 + 2 * 256) + 12288 * h + 3 * h * 73728 + h;
  const double expected = 118 * layer + 256000 * h + h;
  CHECK(params("palm-540b") == Approx(expected).epsilon(1e-12));
  CHECK(params("palm-540b") / 1e9 == Approx(540.35).epsilon(1e-4));
}

TEST_CASE("BLOOM 176B has 176,247,271,424 parameters (BigScience 2022, Table 3)", "[models]") {
  // 70 GPT-style layers (12h^2 + 13h), the embedding (250880 x h) with its LayerNorm (2h), the
  // final LayerNorm (2h), no position table (ALiBi): the paper's count, exactly.
  CHECK(params("bloom-176b") == 176'247'271'424.0);
}

TEST_CASE("Llama 2 70B matches the released checkpoint's 68,976,648,192 parameters", "[models]") {
  // Hugging Face meta-llama/Llama-2-70b-hf: the sum of its tensors.
  CHECK(params("llama2-70b") == 68'976'648'192.0);
}

TEST_CASE("MoE models: total and active parameters as published", "[models][moe]") {
  // Jiang et al. 2024 (Mixtral), Table 1: 46.7B total, 12.9B active per token.
  const auto mixtral = models::count_params(zoo_model("mixtral-8x7b"));
  CHECK(mixtral.total / 1e9 == Approx(46.7).epsilon(0.001));
  CHECK(mixtral.active_per_token / 1e9 == Approx(12.9).epsilon(0.01));
  // Mixtral 8x22B: 141B total, 39B active (Mistral AI).
  const auto mixtral22 = models::count_params(zoo_model("mixtral-8x22b"));
  CHECK(mixtral22.total / 1e9 == Approx(141).epsilon(0.01));
  CHECK(mixtral22.active_per_token / 1e9 == Approx(39).epsilon(0.01));
  // DeepSeek-V3 technical report: 671B total, 37B activated (without the 14B MTP module).
  // Hand count: MLA per layer 7168*1536 + 1536 + 1536*128*192 + 7168*576 + 512 + 512*128*256
  // + 128*128*7168; 3 dense SwiGLU layers of 18432; 58 MoE layers of 257 experts of 2048
  // and a 7168 x 256 router; two RMSNorms a layer; untied 129280 x 7168 embedding and output.
  const double h = 7168;
  const double mla =
      h * 1536 + 1536 + 1536.0 * 128 * 192 + h * 576 + 512 + 512.0 * 128 * 256 + 128.0 * 128 * h;
  const double expert = 3 * h * 2048;
  const double expected =
      61 * (mla + 2 * h) + 3 * (3 * h * 18432) + 58 * (257 * expert + h * 256) + 2 * 129280 * h + h;
  const auto v3 = models::count_params(zoo_model("deepseek-v3"));
  CHECK(v3.total == Approx(expected).epsilon(1e-12));
  CHECK(v3.total / 1e9 == Approx(671).epsilon(0.001));
  CHECK(v3.active_per_token / 1e9 == Approx(37).epsilon(0.02));  // 37.5B: the report rounds down
}

TEST_CASE("Nemotron-4: embedding and non-embedding parameters as published", "[models]") {
  // Nemotron-4 340B report, Table 1: 9.4B embedding, 331.6B non-embedding (untied).
  const auto n340 = models::count_params(zoo_model("nemotron4-340b"));
  CHECK((n340.embedding + n340.output) / 1e9 == Approx(9.4).epsilon(0.005));
  CHECK((n340.total - n340.embedding - n340.output) / 1e9 == Approx(331.6).epsilon(0.001));
  // Nemotron-4 15B report: 3.2B embedding, 12.5B non-embedding.
  const auto n15 = models::count_params(zoo_model("nemotron4-15b"));
  CHECK((n15.embedding + n15.output) / 1e9 == Approx(3.2).epsilon(0.02));
  CHECK((n15.total - n15.embedding - n15.output) / 1e9 == Approx(12.5).epsilon(0.005));
}

TEST_CASE("the Megatron family matches Narayanan et al. 2021, Table 1, to its precision",
          "[models]") {
  // Table 1 prints parameters in billions with one decimal.
  const std::vector<std::pair<const char*, double>> rows = {
      {"megatron-1.7b", 1.7},     {"megatron-3.6b", 3.6},     {"megatron-7.5b", 7.5},
      {"megatron-18.4b", 18.4},   {"megatron-39.1b", 39.1},   {"megatron-76.1b", 76.1},
      {"megatron-145.6b", 145.6}, {"megatron-310.1b", 310.1}, {"megatron-529.6b", 529.6},
      {"megatron-1t", 1008.0}};
  for (const auto& [id, billions] : rows) {
    INFO(id);
    CHECK(std::round(params(id) / 1e8) / 10 == Approx(billions));
  }
}

TEST_CASE("GPT-3 sizes with explicit head widths (Brown et al. 2020, Table 2.1)", "[models]") {
  // 13B: d_model 5140 with 40 heads of 128, so the attention width (5120) is not d_model.
  const auto m = zoo_model("gpt3-13b");
  CHECK(m.q_width() == 5120);
  CHECK(params("gpt3-13b") / 1e9 == Approx(13).epsilon(0.01));
  CHECK(params("gpt3-6.7b") / 1e9 == Approx(6.7).epsilon(0.01));
  CHECK(params("gpt3-125m") / 1e6 == Approx(125).epsilon(0.01));
}
