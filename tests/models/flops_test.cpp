#include "dtsim/models/flops.hpp"

#include <catch2/catch.hpp>

#include "dtsim/sim/config/loader.hpp"

using namespace dtsim;

TEST_CASE("GPT step FLOPs equal Narayanan et al. 2021, Eq. 3", "[models][flops]") {
  const auto zoo = config::builtin_zoo();
  const auto m = *zoo.find("gpt3-175b");
  models::TrainingSetup t;
  t.global_batch = 1536;
  t.seq_len = 2048;
  const double B = 1536, s = 2048, l = 96, h = 12288, V = 51200;
  // Eq. 3 counts the recomputed forward (full recompute): 96 B s l h^2 (1 + s/6h + V/16lh).
  const double eq3 = 96 * B * s * l * h * h * (1 + s / (6 * h) + V / (16 * l * h));
  CHECK(models::step_flops(m, t, models::Recompute::full).hardware == Approx(eq3).epsilon(1e-12));
  // Without recompute the same count is 72 B s l h^2 (1 + s/6h + V/12lh): model FLOPs.
  const double model = 72 * B * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h));
  CHECK(models::step_flops(m, t, models::Recompute::none).model == Approx(model).epsilon(1e-12));
  CHECK(models::step_flops(m, t, models::Recompute::full).model == Approx(model).epsilon(1e-12));
}
