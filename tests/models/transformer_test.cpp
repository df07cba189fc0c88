#include "dtsim/models/transformer.hpp"

#include <catch2/catch.hpp>

#include "dtsim/sim/config/loader.hpp"

using namespace dtsim;

namespace {
models::ModelSpec zoo(const char* id) {
  static const auto z = config::builtin_zoo();
  const auto* m = z.find(id);
  REQUIRE(m != nullptr);
  return *m;
}
}  // namespace

TEST_CASE("GPT-3 175B has 174.6B parameters (Narayanan et al. 2021, Table 1)", "[models]") {
  const auto m = zoo("gpt3-175b");
  // Narayanan Eq. (2): P = 12 l h^2 (1 + 13/(12h) + (V + s)/(12 l h)), plus the final
  // LayerNorm (2h), which the formula leaves out.
  const double l = 96, h = 12288, V = 51200, s = 2048;
  const double narayanan = 12 * l * h * h * (1 + 13 / (12 * h) + (V + s) / (12 * l * h));
  CHECK(models::count_params(m).total == Approx(narayanan + 2 * h).epsilon(1e-9));
  CHECK(models::count_params(m).total / 1e9 == Approx(174.6).epsilon(0.001));
}

TEST_CASE("Llama 3.1 405B has 405B parameters (Llama 3 paper, Table 3)", "[models]") {
  const auto m = zoo("llama3.1-405b");
  // Hand count: per layer QKV 16384 x (16384 + 2 x 1024), output 16384^2, SwiGLU 3 x 16384 x
  // 53248, two RMSNorms; 126 layers; untied 128256 x 16384 embedding and output; final norm.
  const double layer = 16384.0 * 18432 + 16384.0 * 16384 + 3.0 * 16384 * 53248 + 2 * 16384;
  const double expected = 126 * layer + 2 * 128256.0 * 16384 + 16384;
  CHECK(models::count_params(m).total == Approx(expected).epsilon(1e-12));
  CHECK(models::count_params(m).total / 1e9 == Approx(405.85).epsilon(0.001));
}
