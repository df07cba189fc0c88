#include <fmt/format.h>

#include <algorithm>

#include "chart_axis.hpp"
#include "report_charts.hpp"

namespace dtsim::tools {
namespace {

// A colour and a dash per link class, so lines differ in grey too.
constexpr const char* kClassStroke[training::kLinkClasses] = {kBlue, kGreen, kVermillion, kPurple};
constexpr const char* kClassDash[training::kLinkClasses] = {"", "6,3", "2,2", "8,3,2,3"};

// A share that is not nothing never reads "0 %".
std::string percent_text(double fraction) {
  return fraction > 0 && fraction < 0.005 ? "< 1 %" : fmt::format("{:.0f} %", 100 * fraction);
}

// Samples are instants; a collective lasts from microseconds to seconds. Drawn one by one over
// a long step they alias into spikes, so the line shows the mean of consecutive samples in
// bins of at least kSamplesPerBin, each drawn flat over the stretch of the step it covers.
constexpr std::size_t kSamplesPerBin = 8;

std::string binned_points(const std::vector<training::LinkSample>& samples, int link_class,
                          double step_s, const TimeAxis& axis, double left, double top,
                          double height) {
  const std::size_t bins = std::max<std::size_t>(1, samples.size() / kSamplesPerBin);
  std::string points;
  for (std::size_t b = 0; b < bins; ++b) {
    const std::size_t from = b * samples.size() / bins, to = (b + 1) * samples.size() / bins;
    double sum = 0;
    for (std::size_t i = from; i < to; ++i)
      sum += std::min(1.0, samples[i].utilization[link_class]);
    const double y = top + height * (1 - sum / static_cast<double>(to - from));
    const double t0 = b == 0 ? 0 : samples[from].time_s;
    const double t1 = b + 1 == bins ? step_s : samples[to].time_s;
    points += svg_point(left + axis.x(t0), y) + svg_point(left + axis.x(t1), y);
  }
  return points;
}

}  // namespace

Svg links_chart(const training::StepRecording& rec) {
  constexpr double left = 90, width = 860, right = 40, top = 10, height = 180;
  const double step_s = rec.replay.step_time_s;
  const TimeAxis axis(step_s, width);
  int used = 0;
  for (const auto& c : rec.links) used += c.links > 0;
  const double legend_y = top + height + 44;
  const std::size_t per_bin =
      std::min(kSamplesPerBin, std::max<std::size_t>(1, rec.link_samples.size()));
  Svg svg(
      left + width + right, legend_y + 18 * std::max(1, used) + 22, "Link utilization by link type",
      fmt::format(
          "Utilization over the step of the links that carried traffic, one line per link type ({} "
          "types used), as the share of their capacity in use, averaged over stretches of {} "
          "samples.",
          used, per_bin));
  // The y axis: 0 to 100 % of capacity, with its title turned along it.
  for (int p = 0; p <= 100; p += 25) {
    const double y = top + height * (1 - p / 100.0);
    svg.line(left, y, left + width, y, "#d0d0d0", 0.5);
    svg.text(left - 6, y + 4, fmt::format("{} %", p), "end", "small");
  }
  svg.raw(fmt::format(
      R"s(<text x="0" y="0" transform="translate({:.1f},{:.1f}) rotate(-90)" text-anchor="middle" class="small">capacity in use</text>)s",
      left - 44, top + height / 2));
  double ly = legend_y;
  for (int k = 0; k < training::kLinkClasses; ++k) {
    const auto& use = rec.links[k];
    if (use.links == 0) continue;
    if (!rec.link_samples.empty())
      svg.polyline(binned_points(rec.link_samples, k, step_s, axis, left, top, height),
                   kClassStroke[k], 1.5, kClassDash[k]);
    svg.line(left, ly - 4, left + 30, ly - 4, kClassStroke[k], 2, kClassDash[k]);
    svg.text(left + 38, ly,
             fmt::format("{}: {} links, {:.1f} TB/s in all, carried {:.1f} GB, busy {} of the step on average",
                         training::link_class_name(k), use.links, use.capacity_bytes_per_s / 1e12,
                         use.bytes_carried / 1e9, percent_text(use.mean_utilization(step_s))),
             "start", "small");
    ly += 18;
  }
  if (used == 0) svg.text(left + width / 2, top + height / 2, "no link carried traffic (network: ideal)", "middle");
  if (!rec.link_samples.empty())
    svg.text(left, ly + 4,
             fmt::format("Each flat stretch is the mean of {} of the {} samples taken at even "
                         "instants over the step.",
                         per_bin, rec.link_samples.size()),
             "start", "small");
  axis.draw(svg, left, top + height, top);
  return svg;
}

}  // namespace dtsim::tools
