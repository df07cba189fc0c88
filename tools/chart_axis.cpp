#include "chart_axis.hpp"

#include <fmt/format.h>

#include <cmath>

namespace dtsim::tools {

std::string seconds_text(double s) {
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

void legend(Svg& svg, double x, double y, const std::vector<BreakdownPart>& parts, double width) {
  double cx = x, cy = y;
  svg.raw(R"(<g class="legend">)");
  for (const auto& p : parts) {
    const double w = 22 + 7.0 * std::string(p.name).size();
    if (cx + w > x + width) {
      cx = x;
      cy += 18;
    }
    svg.rect(cx, cy - 10, 14, 12, p.fill);
    svg.raw(fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="14" height="12" fill="none" stroke="#666" stroke-width="0.5"/>)",
                        cx, cy - 10));
    svg.text(cx + 19, cy, p.name, "start", "small");
    cx += w;
  }
  svg.raw("</g>");
}

}  // namespace dtsim::tools
