#include "chart_axis.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>

namespace dtsim::tools {

std::string seconds_text(double s) {
  if (s >= 1000) return fmt::format("{:.0f} s", s);  // "{:.3g}" would write 1e+03
  if (s >= 1 || s == 0) return fmt::format("{:.3g} s", s);
  if (s >= 1e-3) return fmt::format("{:.3g} ms", s * 1e3);
  return fmt::format("{:.3g} us", s * 1e6);
}

std::string gib_text(double bytes) { return fmt::format("{:.1f} GiB", bytes / (1024.0 * 1024 * 1024)); }

std::string on_fill_class(const std::string& fill) {
  return fill == kBlue || fill == kBlack || fill == kVermillion || fill == kGreen ? "label" : "dark";
}

Axis::Axis(double max_value, double length, std::string (*format)(double)) : length_(length), format_(format) {
  const double raw = max_value > 0 ? max_value / 5 : 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  step_ = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * magnitude;
  max_ = std::max(step_, std::ceil(max_value / step_ - 1e-9) * step_);
}

void Axis::draw(Svg& svg, double left, double base, double grid_top) const {
  svg.line(left, base, left + length_, base, "#444");
  for (int i = 0; i * step_ <= max_ * (1 + 1e-9); ++i) {
    const double at = left + x(i * step_);
    svg.line(at, grid_top, at, base, "#d0d0d0", 0.5);
    svg.line(at, base, at, base + 4, "#444");
    svg.text(at, base + 16, format_(i * step_), "middle", "small");
  }
}

Legend::Legend(std::vector<BreakdownPart> parts, double width) : parts_(std::move(parts)) {
  double x = 0;
  int row = 0;
  for (const auto& p : parts_) {
    const double w = kSwatch + 5 + text_width_px(p.name, "dark");
    if (x > 0 && x + w > width) x = 0, ++row;
    at_.emplace_back(x, row);
    x += w + kGap;
  }
  rows_ = parts_.empty() ? 0 : row + 1;
}

void Legend::draw(Svg& svg, double x, double y) const {
  svg.raw(R"(<g class="legend">)");
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    const double cx = x + at_[i].first, cy = y + at_[i].second * kRow;
    svg.rect(cx, cy, kSwatch, 12, parts_[i].fill);
    svg.raw(fmt::format(
        R"(<rect x="{:.1f}" y="{:.1f}" width="14" height="12" fill="none" stroke="#666" stroke-width="0.5"/>)",
        cx, cy));
    svg.text(cx + kSwatch + 5, cy + 10.5, parts_[i].name, "start", "dark");
  }
  svg.raw("</g>");
}

}  // namespace dtsim::tools
