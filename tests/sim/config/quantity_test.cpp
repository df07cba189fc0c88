#include "dtsim/sim/config/quantity.hpp"

#include <catch2/catch.hpp>

using dtsim::config::Dimension;
using dtsim::config::parse_quantity;

namespace {
double parse(const char* text, Dimension d) {
  std::string why;
  auto v = parse_quantity(text, d, &why);
  INFO(text << ": " << why);
  REQUIRE(v.has_value());
  return *v;
}
std::string reject(const char* text, Dimension d) {
  std::string why;
  CHECK_FALSE(parse_quantity(text, d, &why).has_value());
  return why;
}
}  // namespace

TEST_CASE("sizes: decimal and binary prefixes", "[config][units]") {
  CHECK(parse("80 GiB", Dimension::bytes) == 80.0 * 1024 * 1024 * 1024);
  CHECK(parse("80 GB", Dimension::bytes) == 80e9);
  CHECK(parse("81559 MiB", Dimension::bytes) == 81559.0 * 1024 * 1024);
  CHECK(parse("1.5TB", Dimension::bytes) == 1.5e12);
}

TEST_CASE("bandwidths: bytes and bits per second", "[config][units]") {
  CHECK(parse("450 GB/s", Dimension::bytes_per_s) == 450e9);
  CHECK(parse("400 Gb/s", Dimension::bytes_per_s) == 50e9);  // 400 Gbit/s = 50 GB/s
  CHECK(parse("200 Gbps", Dimension::bytes_per_s) == 25e9);
}

TEST_CASE("durations, compute rates, power, prices, counts", "[config][units]") {
  CHECK(parse("2 us", Dimension::seconds) == Approx(2e-6));
  CHECK(parse("1.9 us", Dimension::seconds) == Approx(1.9e-6));
  CHECK(parse("989.4 TFLOP/s", Dimension::flops_per_s) == Approx(989.4e12));
  CHECK(parse("10.2 kW", Dimension::watts) == Approx(10200));
  CHECK(parse("30000 USD", Dimension::usd) == 30000);
  CHECK(parse("300e9", Dimension::count) == 300e9);
  CHECK(parse("85%", Dimension::fraction) == Approx(0.85));
}

TEST_CASE("wrong or missing units are explained", "[config][units]") {
  CHECK(reject("80 GB/s", Dimension::bytes).find("'GB/s' is not one of") != std::string::npos);
  CHECK(reject("80", Dimension::bytes).find("no unit") != std::string::npos);
  CHECK(reject("lots", Dimension::count).find("number") != std::string::npos);
  CHECK(reject("300 GB", Dimension::count).find("no unit") != std::string::npos);
}
