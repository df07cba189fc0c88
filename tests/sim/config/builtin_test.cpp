// The embedded catalog and zoo go through the strict reader; loading them must succeed and
// every entry must carry its sources.
#include <catch2/catch.hpp>

#include "dtsim/sim/config/loader.hpp"

using namespace dtsim;

TEST_CASE("the built-in catalog loads and every figure has a source", "[config][catalog]") {
  const auto catalog = config::builtin_catalog();
  REQUIRE_FALSE(catalog.devices().empty());
  for (const auto& [id, d] : catalog.devices()) {
    INFO(id);
    CHECK_FALSE(d.peak_source.empty());
    CHECK_FALSE(d.memory_source.empty());
    CHECK_FALSE(d.efficiency_source.empty());
  }
  for (const auto& [id, s] : catalog.systems()) {
    INFO(id);
    CHECK(catalog.find_device(s.device) != nullptr);
    CHECK_FALSE(s.scale_up.source.empty());
  }
}

TEST_CASE("catalog figures match the datasheets in shared/data/hardware.md", "[config][catalog]") {
  const auto catalog = config::builtin_catalog();
  const auto* h100 = catalog.find_device("h100");
  REQUIRE(h100 != nullptr);
  CHECK(*h100->peak_flops_per_s.bf16 == Approx(989.4e12));  // dense, not the 1979 headline
  CHECK(h100->mem_bw_bytes_per_s == Approx(3.35e12));
  const auto* nvlink4 = catalog.find_link("nvlink4");
  REQUIRE(nvlink4 != nullptr);
  // 18 links x 25 GB/s = 450 GB/s per direction per H100.
  CHECK(18 * nvlink4->bw_bytes_per_s == Approx(450e9));
}

TEST_CASE("the built-in zoo loads", "[config][zoo]") {
  const auto zoo = config::builtin_zoo();
  CHECK(zoo.find("gpt3-175b") != nullptr);
  CHECK(zoo.find("llama3.1-405b") != nullptr);
}
