#include "dtsim/sim/config/quantity.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <span>
#include <vector>

#include "dtsim/sim/config/error.hpp"

namespace dtsim::config {
namespace {

struct UnitScale {
  std::string_view unit;
  double scale;  // to base units
};

constexpr double kKi = 1024.0;
constexpr std::array kBytes{
    UnitScale{"B", 1},        UnitScale{"KB", 1e3},          UnitScale{"MB", 1e6},
    UnitScale{"GB", 1e9},     UnitScale{"TB", 1e12},         UnitScale{"PB", 1e15},
    UnitScale{"KiB", kKi},    UnitScale{"MiB", kKi * kKi},   UnitScale{"GiB", kKi * kKi * kKi},
    UnitScale{"TiB", kKi * kKi * kKi * kKi}};
constexpr std::array kRates{
    UnitScale{"B/s", 1},        UnitScale{"KB/s", 1e3},     UnitScale{"MB/s", 1e6},
    UnitScale{"GB/s", 1e9},     UnitScale{"TB/s", 1e12},    UnitScale{"GiB/s", kKi * kKi * kKi},
    UnitScale{"b/s", 1.0 / 8},  UnitScale{"Kb/s", 1e3 / 8}, UnitScale{"Mb/s", 1e6 / 8},
    UnitScale{"Gb/s", 1e9 / 8}, UnitScale{"Tb/s", 1e12 / 8}, UnitScale{"Gbit/s", 1e9 / 8},
    UnitScale{"Tbit/s", 1e12 / 8}, UnitScale{"Gbps", 1e9 / 8}, UnitScale{"Tbps", 1e12 / 8}};
constexpr std::array kTimes{UnitScale{"ps", 1e-12}, UnitScale{"ns", 1e-9}, UnitScale{"us", 1e-6},
                            UnitScale{"µs", 1e-6},  UnitScale{"ms", 1e-3}, UnitScale{"s", 1},
                            UnitScale{"min", 60},   UnitScale{"h", 3600},  UnitScale{"d", 86400},
                            UnitScale{"days", 86400}, UnitScale{"years", 365.25 * 86400}, UnitScale{"year", 365.25 * 86400}};
constexpr std::array kFlops{UnitScale{"FLOP", 1},     UnitScale{"GFLOP", 1e9},
                            UnitScale{"TFLOP", 1e12}, UnitScale{"PFLOP", 1e15},
                            UnitScale{"EFLOP", 1e18}, UnitScale{"ZFLOP", 1e21}};
constexpr std::array kFlopRates{
    UnitScale{"FLOP/s", 1},      UnitScale{"GFLOP/s", 1e9},  UnitScale{"TFLOP/s", 1e12},
    UnitScale{"PFLOP/s", 1e15},  UnitScale{"TFLOPS", 1e12},  UnitScale{"PFLOPS", 1e15},
    UnitScale{"TOP/s", 1e12},    UnitScale{"TOPS", 1e12},    UnitScale{"POP/s", 1e15}};
constexpr std::array kWatts{UnitScale{"W", 1}, UnitScale{"kW", 1e3}, UnitScale{"MW", 1e6}};
constexpr std::array kEnergy{UnitScale{"Wh", 1}, UnitScale{"kWh", 1e3}, UnitScale{"MWh", 1e6},
                             UnitScale{"GWh", 1e9}};
constexpr std::array kUsd{UnitScale{"USD", 1}, UnitScale{"kUSD", 1e3}, UnitScale{"MUSD", 1e6}};
constexpr std::array kUsdPerHour{UnitScale{"USD/h", 1}, UnitScale{"USD/hour", 1}};
constexpr std::array kUsdPerKwh{UnitScale{"USD/kWh", 1}, UnitScale{"USD/MWh", 1e-3}};
constexpr std::array kPercent{UnitScale{"%", 0.01}};

std::span<const UnitScale> units_of(Dimension d) {
  switch (d) {
    case Dimension::count: return {};
    case Dimension::fraction: return kPercent;
    case Dimension::bytes: return kBytes;
    case Dimension::bytes_per_s: return kRates;
    case Dimension::seconds: return kTimes;
    case Dimension::flops: return kFlops;
    case Dimension::flops_per_s: return kFlopRates;
    case Dimension::watts: return kWatts;
    case Dimension::energy_wh: return kEnergy;
    case Dimension::usd: return kUsd;
    case Dimension::usd_per_hour: return kUsdPerHour;
    case Dimension::usd_per_kwh: return kUsdPerKwh;
  }
  return {};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string unit_list(Dimension d) {
  std::vector<std::string_view> names;
  for (const auto& u : units_of(d)) names.push_back(u.unit);
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

std::string describe(Dimension d) {
  switch (d) {
    case Dimension::count: return "a number such as '300e9'";
    case Dimension::fraction: return "a fraction such as '0.85' or '85%'";
    case Dimension::bytes: return "a size such as '80 GiB'";
    case Dimension::bytes_per_s: return "a bandwidth such as '450 GB/s' or '400 Gb/s'";
    case Dimension::seconds: return "a duration such as '2 us'";
    case Dimension::flops: return "an amount of work such as '3.1e23 FLOP'";
    case Dimension::flops_per_s: return "a compute rate such as '989.4 TFLOP/s'";
    case Dimension::watts: return "a power such as '700 W'";
    case Dimension::energy_wh: return "an energy such as '1.5 MWh'";
    case Dimension::usd: return "a price such as '30000 USD'";
    case Dimension::usd_per_hour: return "a rate such as '2.5 USD/h'";
    case Dimension::usd_per_kwh: return "an electricity price such as '0.10 USD/kWh'";
  }
  return "a quantity";
}

std::optional<double> parse_quantity(std::string_view text, Dimension d, std::string* why) {
  const std::string_view t = trim(text);
  double number = 0;
  const char* first = t.data();
  const char* last = t.data() + t.size();
  auto [ptr, ec] = std::from_chars(first, last, number);
  if (ec != std::errc() || !std::isfinite(number)) {
    *why = "it does not start with a number";
    return std::nullopt;
  }
  const std::string_view unit = trim(std::string_view(ptr, static_cast<std::size_t>(last - ptr)));
  const auto units = units_of(d);
  if (unit.empty()) {
    if (d == Dimension::count || d == Dimension::fraction) return number;
    *why = fmt::format("it has no unit (one of {})", unit_list(d));
    return std::nullopt;
  }
  for (const auto& u : units)
    if (u.unit == unit) return number * u.scale;
  *why = units.empty() ? std::string("a count takes no unit")
                       : fmt::format("{} is not one of {}", quoted_input(unit), unit_list(d));
  return std::nullopt;
}

namespace {
std::string scaled(double v, std::span<const UnitScale> ladder) {
  const UnitScale* best = &ladder.front();
  for (const auto& u : ladder)
    if (std::abs(v) >= u.scale) best = &u;
  return fmt::format("{:.3g} {}", v / best->scale, best->unit);
}
constexpr std::array kBytesLadder{UnitScale{"B", 1}, UnitScale{"KiB", kKi},
                                  UnitScale{"MiB", kKi * kKi}, UnitScale{"GiB", kKi * kKi * kKi},
                                  UnitScale{"TiB", kKi * kKi * kKi * kKi}};
constexpr std::array kRateLadder{UnitScale{"B/s", 1}, UnitScale{"KB/s", 1e3},
                                 UnitScale{"MB/s", 1e6}, UnitScale{"GB/s", 1e9},
                                 UnitScale{"TB/s", 1e12}};
constexpr std::array kTimeLadder{UnitScale{"ns", 1e-9}, UnitScale{"us", 1e-6},
                                 UnitScale{"ms", 1e-3}, UnitScale{"s", 1}};
constexpr std::array kFlopLadder{UnitScale{"FLOP/s", 1}, UnitScale{"GFLOP/s", 1e9},
                                 UnitScale{"TFLOP/s", 1e12}, UnitScale{"PFLOP/s", 1e15},
                                 UnitScale{"EFLOP/s", 1e18}};
}  // namespace

std::string format_bytes(double bytes) { return scaled(bytes, kBytesLadder); }
std::string format_rate(double bytes_per_s) { return scaled(bytes_per_s, kRateLadder); }
std::string format_seconds(double seconds) { return scaled(seconds, kTimeLadder); }
std::string format_flops_rate(double flops_per_s) { return scaled(flops_per_s, kFlopLadder); }

}  // namespace dtsim::config
