#pragma once
// How the human output writes a figure: the unit scales with the value ("400 MB/s", not
// "0 GB/s"; "850 kWh", not "0.9 MWh"), and where several cells show one figure side by side
// (a row of `compare`, the parts of a step) they share one unit, chosen from the largest, so
// that they compare at a glance. JSON and CSV keep base units; this is for people only.
#include <span>
#include <string>
#include <vector>

namespace dtsim::tools {

// The kinds of figure, each in its base unit.
enum class Quantity {
  time_s,
  bandwidth_bytes_per_s,  // decimal prefixes (kB/s, MB/s, GB/s), as link datasheets use
  bytes,                  // binary prefixes (KiB, MiB, GiB), as memory capacities use
  energy_j,               // shown in Wh, kWh, MWh, GWh (1 Wh = 3,600 J)
  power_w,
  money_usd,
  count,     // "1,234,567"
  fraction,  // 0.42 -> "42.0 %"
};

// A unit for one figure: the symbol, how many base units one of it holds, and the decimals.
struct Unit {
  std::string symbol;
  double base_per_unit = 1;
  int decimals = 0;
};

// The unit in which a figure whose largest magnitude is `largest` reads best: the largest unit
// of which it holds at least one (at least two for min, h and days: "90.000 s", not
// "1.50 min"), with the decimals that give the largest value 3 significant digits; times have
// fixed decimals per unit instead (3 in s, 2 in min, h and days, 1 in ns, µs and ms).
Unit unit_for(Quantity q, double largest);

// `value` (in base units) written in `unit`: "12.35 s", "$1.23 M", "1,234 MWh".
std::string in_unit(double value, Quantity q, const Unit& unit);

// `value` in the unit that suits it alone.
std::string format_quantity(double value, Quantity q);

// Every value in the unit that suits the largest of them.
std::vector<std::string> format_row(std::span<const double> values, Quantity q);

// "1,234,567"
std::string thousands(double value);

// "300 billion", "15.6 trillion": large counts in words.
std::string in_words(double count);

}  // namespace dtsim::tools
