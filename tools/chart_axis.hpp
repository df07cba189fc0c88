#pragma once
// What the report's charts share: the palette, a time (or byte) axis with round ticks, and
// the legend.
#include <string>
#include <vector>

#include "report_charts.hpp"
#include "svg.hpp"

namespace dtsim::tools {

// Okabe-Ito (see report_charts.hpp); the patterns are defined by svg_defs().
inline constexpr const char* kBlack = "#000000";
inline constexpr const char* kOrange = "#E69F00";
inline constexpr const char* kSky = "#56B4E9";
inline constexpr const char* kGreen = "#009E73";
inline constexpr const char* kYellow = "#F0E442";
inline constexpr const char* kBlue = "#0072B2";
inline constexpr const char* kVermillion = "#D55E00";
inline constexpr const char* kPurple = "#CC79A7";
inline constexpr const char* kGrey = "#999999";
inline constexpr const char* kHatch = "url(#hatch)";
inline constexpr const char* kDots = "url(#dots)";

// The text class that reads on a fill: white on the dark ones, dark on the light ones.
std::string on_fill_class(const std::string& fill);

// A linear axis from 0 to at least `max_value` over `length` pixels, ticked at 1, 2 or 5 x 10^k.
class Axis {
 public:
  Axis(double max_value, double length, std::string (*format)(double));
  double x(double value) const { return value / max_ * length_; }
  double max() const { return max_; }
  // Ticks and their labels below y = `base`, grid lines up to `grid_top`.
  void draw(Svg& svg, double left, double base, double grid_top) const;

 private:
  double max_, step_, length_;
  std::string (*format_)(double);
};

struct TimeAxis : Axis {
  TimeAxis(double max_s, double length) : Axis(max_s, length, &seconds_text) {}
};

std::string gib_text(double bytes);  // "12.3 GiB"

// Swatches with names in rows that wrap at `width`, laid out from text_width_px estimates so
// that names keep apart at any length.
class Legend {
 public:
  Legend(std::vector<BreakdownPart> parts, double width);
  double height() const { return rows_ * kRow; }
  // Draws the rows with the first one's top at (x, y).
  void draw(Svg& svg, double x, double y) const;

 private:
  static constexpr double kRow = 20, kSwatch = 14, kGap = 18;
  std::vector<BreakdownPart> parts_;
  std::vector<std::pair<double, int>> at_;  // each part's x offset and row
  int rows_ = 0;
};

}  // namespace dtsim::tools
