// dtsim topology and dtsim catalog as users call them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"

TEST_CASE("topology dgx-h100 --nodes 4: 32 GPUs with 50 GB/s of scale-out each", "[cli][topology]") {
  const auto o = dtsim_cli("topology dgx-h100 --nodes 4 --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  CHECK(j["accelerators"] == 32);
  // One 400 Gb/s ConnectX-7 per GPU (DGX H100 user guide): 50 GB/s per direction.
  CHECK(j["scale_out_injection_bytes_per_s"].get<double>() == Approx(50e9));
  CHECK(j["scale_up_injection_bytes_per_s"].get<double>() == Approx(450e9));
}

TEST_CASE("topology tpu-v5p --shape 8x8x8: 512 chips", "[cli][topology]") {
  const auto o = dtsim_cli("topology tpu-v5p --shape 8x8x8 --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  CHECK(j["accelerators"] == 512);
  // Cutting 8x8x8 in half crosses 2 x 64 ICI links of 100 GB/s (TPU v5p: 1200 GB/s bidir / 6).
  CHECK(j["bisection_bytes_per_s"].get<double>() == Approx(128 * 100e9));
}

TEST_CASE("topology of a scenario, and as Graphviz", "[cli][topology]") {
  const auto o = dtsim_cli("topology scenarios/quickstart.yaml --json");
  REQUIRE(o.status == 0);
  CHECK(nlohmann::json::parse(o.out)["accelerators"] == 1024);
  const auto dot = dtsim_cli("topology dgx-h100 --dot");
  CHECK(dot.status == 0);
  CHECK(dot.out.rfind("graph cluster {", 0) == 0);
}

TEST_CASE("an unknown system is bad input with a suggestion", "[cli][topology]") {
  const auto o = dtsim_cli("topology dgx-h10 --nodes 2", true);
  CHECK(o.status == 2);
  CHECK(o.out.find("did you mean 'dgx-h100'?") != std::string::npos);
}

TEST_CASE("catalog lists devices, systems and links with sources", "[cli][catalog]") {
  for (const char* what : {"devices", "systems", "links"}) {
    const auto o = dtsim_cli(std::string("catalog ") + what + " --json");
    REQUIRE(o.status == 0);
    const auto j = nlohmann::json::parse(o.out);
    CHECK(j.size() > 0);
  }
  CHECK(dtsim_cli("catalog devices").out.find("h100-sxm") != std::string::npos);
}
