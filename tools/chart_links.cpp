#include <fmt/format.h>

#include "chart_axis.hpp"
#include "report_charts.hpp"

namespace dtsim::tools {
namespace {

// A colour and a dash per link class, so lines differ in grey too.
constexpr const char* kClassStroke[training::kLinkClasses] = {kBlue, kGreen, kVermillion, kPurple};
constexpr const char* kClassDash[training::kLinkClasses] = {"", "6,3", "2,2", "8,3,2,3"};

std::string percent_text(double fraction) { return fmt::format("{:.0f} %", 100 * fraction); }

}  // namespace

Svg links_chart(const training::StepRecording& rec) {
  constexpr double left = 150, width = 800, top = 10, height = 180;
  const double step_s = rec.replay.step_time_s;
  const TimeAxis axis(step_s, width);
  int used = 0;
  for (const auto& c : rec.links) used += c.links > 0;
  const double legend_y = top + height + 44;
  Svg svg(left + width + 30, legend_y + 18 * std::max(1, used) + 8, "Link utilization by link type",
          fmt::format("Utilization over the step of the links that carried traffic, one line per link type ({} "
                      "types used), as the share of their capacity in use.", used));
  // The y axis: 0 to 100 % of capacity.
  for (int p = 0; p <= 100; p += 25) {
    const double y = top + height * (1 - p / 100.0);
    svg.line(left, y, left + width, y, "#d0d0d0", 0.5);
    svg.text(left - 6, y + 4, fmt::format("{} %", p), "end", "small");
  }
  svg.text(left - 50, top + height / 2, "busy", "end", "small");
  double ly = legend_y;
  for (int k = 0; k < training::kLinkClasses; ++k) {
    const auto& use = rec.links[k];
    if (use.links == 0) continue;
    std::string points;
    for (const auto& sample : rec.link_samples)
      points += svg_point(left + axis.x(sample.time_s), top + height * (1 - std::min(1.0, sample.utilization[k])));
    svg.polyline(points, kClassStroke[k], 1.5, kClassDash[k]);
    svg.line(left, ly - 4, left + 30, ly - 4, kClassStroke[k], 2, kClassDash[k]);
    svg.text(left + 38, ly,
             fmt::format("{}: {} links, {:.1f} TB/s in all, carried {:.1f} GB, busy {} of the step on average",
                         training::link_class_name(k), use.links, use.capacity_bytes_per_s / 1e12,
                         use.bytes_carried / 1e9, percent_text(use.mean_utilization(step_s))),
             "start", "small");
    ly += 18;
  }
  if (used == 0) svg.text(left + width / 2, top + height / 2, "no link carried traffic (network: ideal)", "middle");
  axis.draw(svg, left, top + height, top);
  return svg;
}

}  // namespace dtsim::tools
