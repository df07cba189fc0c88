#include "units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dtsim::tools {
namespace {

// One step of a unit ladder: the unit is used from `from` base units up to the next step's.
struct Step {
  const char* symbol;
  double base_per_unit;
  double from;
};

// The ladders, smallest unit first. Minutes, hours and days start at two of them: "90.00 s"
// reads faster than "1.500 min", and a step of 1.2 h is easier to picture as 72.00 min.
const std::vector<Step>& ladder(Quantity q) {
  static const std::vector<Step> time = {
      {"ns", 1e-9, 0},  {"µs", 1e-6, 1e-6}, {"ms", 1e-3, 1e-3},        {"s", 1, 1},
      {"min", 60, 120}, {"h", 3600, 7200},  {"days", 86400, 2 * 86400}};
  static const std::vector<Step> bandwidth = {{"B/s", 1, 0},
                                              {"kB/s", 1e3, 1e3},
                                              {"MB/s", 1e6, 1e6},
                                              {"GB/s", 1e9, 1e9},
                                              {"TB/s", 1e12, 1e12}};
  constexpr double kKiB = 1024;
  static const std::vector<Step> bytes = {
      {"B", 1, 0},
      {"KiB", kKiB, kKiB},
      {"MiB", kKiB * kKiB, kKiB * kKiB},
      {"GiB", kKiB * kKiB * kKiB, kKiB * kKiB * kKiB},
      {"TiB", kKiB * kKiB * kKiB * kKiB, kKiB * kKiB * kKiB * kKiB}};
  constexpr double kWh = 3600;  // joules in a watt-hour
  static const std::vector<Step> energy = {{"Wh", kWh, 0},
                                           {"kWh", 1e3 * kWh, 1e3 * kWh},
                                           {"MWh", 1e6 * kWh, 1e6 * kWh},
                                           {"GWh", 1e9 * kWh, 1e9 * kWh}};
  static const std::vector<Step> power = {
      {"W", 1, 0}, {"kW", 1e3, 1e3}, {"MW", 1e6, 1e6}, {"GW", 1e9, 1e9}};
  static const std::vector<Step> money = {{"", 1, 0}, {"M", 1e6, 1e6}, {"B", 1e9, 1e9}};
  static const std::vector<Step> count = {{"", 1, 0}};
  static const std::vector<Step> fraction = {{"%", 0.01, 0}};
  switch (q) {
    case Quantity::time_s:
      return time;
    case Quantity::bandwidth_bytes_per_s:
      return bandwidth;
    case Quantity::bytes:
      return bytes;
    case Quantity::energy_j:
      return energy;
    case Quantity::power_w:
      return power;
    case Quantity::money_usd:
      return money;
    case Quantity::count:
      return count;
    case Quantity::fraction:
      return fraction;
  }
  return count;
}

// Decimals that give a value of `magnitude` (in the unit) `significant` digits.
int decimals_for(double magnitude, int significant) {
  const int integer_digits =
      magnitude < 1 ? 1 : static_cast<int>(std::floor(std::log10(magnitude))) + 1;
  return std::max(0, significant - integer_digits);
}

int decimals(Quantity q, const Step& step, double magnitude) {
  switch (q) {
    case Quantity::count:
      return 0;
    case Quantity::fraction:
      return 1;
    case Quantity::time_s:  // fixed per unit, so that a column of times lines up: ms to the µs
      return step.base_per_unit == 1 ? 3 : step.base_per_unit < 1 ? 1 : 2;
    case Quantity::money_usd:  // whole dollars from $100, cents below; millions to $10,000
      if (step.base_per_unit == 1) return magnitude >= 100 ? 0 : 2;
      return 2;
    default:
      return decimals_for(magnitude, 3);
  }
}

}  // namespace

Unit unit_for(Quantity q, double largest) {
  const double magnitude = std::isfinite(largest) ? std::abs(largest) : 0;
  const auto& steps = ladder(q);
  // Zero is written in the unit of one base unit ("0.000 s", not "0.0 ns").
  const double choosing = magnitude > 0 ? magnitude : 1;
  const Step* chosen = &steps.front();
  for (const auto& s : steps)
    if (choosing >= s.from) chosen = &s;
  return {chosen->symbol, chosen->base_per_unit,
          decimals(q, *chosen, magnitude / chosen->base_per_unit)};
}

std::string in_unit(double value, Quantity q, const Unit& unit) {
  const double scaled = value / unit.base_per_unit;
  // Whole numbers get thousands separators ("1,234 MWh"); rounding to none shows no "-0".
  std::string number =
      unit.decimals == 0 ? thousands(scaled) : fmt::format("{:.{}f}", scaled, unit.decimals);
  if (number.find_first_not_of("-0.,") == std::string::npos && number.front() == '-')
    number.erase(0, 1);
  if (q == Quantity::money_usd) {
    const bool negative = number.front() == '-';
    std::string text = (negative ? "-$" : "$") + number.substr(negative ? 1 : 0);
    return unit.symbol.empty() ? text : text + " " + unit.symbol;
  }
  return unit.symbol.empty() ? number : number + " " + unit.symbol;
}

std::string format_quantity(double value, Quantity q) {
  return in_unit(value, q, unit_for(q, value));
}

std::vector<std::string> format_row(std::span<const double> values, Quantity q) {
  double largest = 0;
  for (double v : values)
    if (std::isfinite(v)) largest = std::max(largest, std::abs(v));
  const Unit unit = unit_for(q, largest);
  std::vector<std::string> cells;
  for (double v : values) cells.push_back(in_unit(v, q, unit));
  return cells;
}

std::string thousands(double value) {
  const std::string digits = fmt::format("{:.0f}", std::abs(value));
  std::string out = value < 0 && digits != "0" ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string in_words(double count) {
  if (count >= 1e12) return fmt::format("{:.4g} trillion", count / 1e12);
  if (count >= 1e9) return fmt::format("{:.4g} billion", count / 1e9);
  if (count >= 1e6) return fmt::format("{:.4g} million", count / 1e6);
  return thousands(count);
}

}  // namespace dtsim::tools
