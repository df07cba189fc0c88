#pragma once
// Quantities with units, as scenario and catalog files write them: "80 GiB", "450 GB/s",
// "400 Gb/s", "2 us", "989.4 TFLOP/s", "700 W", "30000 USD", "2.5 USD/h", or a bare count
// such as "300e9". Parsed to SI base units (bytes, bytes/s, seconds, FLOP/s, W, USD).
#include <optional>
#include <string>
#include <string_view>

namespace dtsim::config {

enum class Dimension {
  count,         // a bare number
  fraction,      // a bare number or a percentage ("85%")
  bytes,
  bytes_per_s,   // also bits per second: "400 Gb/s" is 50e9 B/s
  seconds,
  flops,
  flops_per_s,
  watts,
  energy_wh,     // watt-hours: "1 MWh"
  usd,
  usd_per_hour,
  usd_per_kwh,
};

// Human description of what a dimension accepts, for error messages ("a size such as '80 GiB'").
std::string describe(Dimension d);

// Parses `text` as a quantity of dimension `d`; on failure returns nullopt and sets `why`.
std::optional<double> parse_quantity(std::string_view text, Dimension d, std::string* why);

// Formats base-unit values for people: "79.6 GiB", "450 GB/s", "1.23 ms".
std::string format_bytes(double bytes);
std::string format_rate(double bytes_per_s);
std::string format_seconds(double seconds);
std::string format_flops_rate(double flops_per_s);

}  // namespace dtsim::config
