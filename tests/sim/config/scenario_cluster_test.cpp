// The `cluster:` section: sizes, fabrics, TPU slices, and what it refuses.
#include <catch2/catch.hpp>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "temp_file.hpp"

using namespace dtsim;

namespace {

// Writes a scenario with the given cluster section to a temporary file and loads it.
config::Scenario with_cluster(const std::string& cluster, const std::string& parallelism = "{tp: 8, pp: 1}") {
  return config::load_scenario(test::write_temp(
      "scenario_cluster_test.yaml", "model: gpt3-175b\ntraining: {global_batch: 4096}\nparallelism: " +
                                        parallelism + "\ncluster: " + cluster + "\n"));
}

std::string error_of(const std::string& cluster) {
  try {
    with_cluster(cluster);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a fabric override changes only the keys it names", "[config][cluster]") {
  const auto s = with_cluster("{system: dgx-h100, nodes: 64, fabric: {oversubscription: 2}}");
  CHECK(s.cluster.fabric.oversubscription == 2);
  CHECK(s.cluster.fabric.switch_radix == 64);  // the DGX H100 default stays
  CHECK(s.cluster.fabric.kind == topology::FabricKind::rail_fat_tree);
  const auto c = config::build_cluster(s);
  CHECK(c.accelerators() == 512);
}

TEST_CASE("a TPU cluster given by chip count gets the most cubic slice", "[config][cluster][torus]") {
  // 512 chips of v5p: 8x8x8, one slice (tp 8 x dp 64).
  const auto s = with_cluster("{system: tpu-v5p, accelerators: 512}");
  CHECK(s.cluster.torus_shape == std::vector<int>{8, 8, 8});
  CHECK(s.cluster.slices == 1);
  // 8192 v5e chips as 32 slices of 16x16 joined over DCN (MaxText's 32x v5e-256).
  const auto m = with_cluster("{system: tpu-v5e, accelerators: 8192, slices: 32}");
  CHECK(m.cluster.torus_shape == std::vector<int>{16, 16});
  CHECK(m.cluster.accelerators == 8192);
  CHECK(config::build_cluster(m).accelerators() == 8192);
}

TEST_CASE("impossible clusters are explained", "[config][cluster]") {
  CHECK(error_of("{system: tpu-v5e, accelerators: 512}").find("largest tpu-v5e slice") != std::string::npos);
  CHECK(error_of("{system: dgx-h100, nodes: 4, shape: 2x2}").find("unknown key 'shape'") != std::string::npos);
  CHECK(error_of("{system: workstation-4090x8, nodes: 2}").find("no scale-out network") != std::string::npos);
  CHECK(error_of("{system: tpu-v5p, shape: 4x4x4, accelerators: 100}").find("64 chips, found 100") !=
        std::string::npos);
}
