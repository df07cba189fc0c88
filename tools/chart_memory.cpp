#include <fmt/format.h>

#include <algorithm>

#include "chart_axis.hpp"
#include "report_charts.hpp"

namespace dtsim::tools {
namespace {

std::vector<BreakdownPart> memory_parts(const models::MemoryBreakdown& m) {
  return {{"weights", kBlue, m.weights_bytes},
          {"gradients", kSky, m.grads_bytes},
          {"optimizer state", kGreen, m.optimizer_bytes},
          {"activations", kOrange, m.activation_bytes},
          {"embedding, output and loss", kYellow, m.embedding_output_bytes},
          {"temporary buffers", kPurple, m.temporary_bytes},
          {"framework (CUDA context, NCCL, workspaces)", kGrey, m.framework_bytes},
          {"fragmentation", kHatch, m.fragmentation_bytes}};
}

constexpr double kGiB = 1024.0 * 1024 * 1024;

// The axis counts GiB, so that its ticks fall on round GiB.
std::string gib_axis_text(double gib) { return fmt::format("{:g} GiB", gib); }

}  // namespace

std::vector<MemoryRow> stage_rows(const models::MemoryVerdict& v) {
  std::vector<MemoryRow> rows;
  for (const auto& m : v.stages) rows.push_back({fmt::format("stage {}", m.stage), m, v.capacity_bytes});
  return rows;
}

Svg memory_chart(const std::vector<MemoryRow>& rows) {
  constexpr double left = 170, width = 700, top = 10;
  const double bar = rows.size() > 24 ? 10 : 20, gap = rows.size() > 24 ? 3 : 8;
  double largest = 0;
  int over = 0;
  for (const auto& r : rows) {
    largest = std::max({largest, r.memory.total_bytes(), r.capacity_bytes});
    over += r.memory.total_bytes() > r.capacity_bytes;
  }
  const Axis axis(largest / kGiB, width, &gib_axis_text);
  auto x_of = [&](double bytes) { return axis.x(bytes / kGiB); };
  const double plot_h = rows.size() * (bar + gap);
  const double legend_y = top + plot_h + 40;
  Svg svg(left + width + 130, legend_y + 44, "Memory per accelerator against its capacity",
          fmt::format("Stacked bars of what each row's accelerator holds at its peak, with its capacity marked by a "
                      "dashed line; {} of {} rows do not fit.", over, rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const double y = top + i * (bar + gap);
    if (bar >= 12 || i % 4 == 0) svg.text(left - 8, y + bar / 2 + 4, r.name, "end", bar >= 12 ? "" : "small");
    double x = left;
    for (const auto& part : memory_parts(r.memory)) {
      if (part.seconds <= 0) continue;  // bytes, in the part's value
      const double w = x_of(part.seconds);
      svg.rect(x, y, w, bar, part.fill, fmt::format("{}: {}: {}", r.name, part.name, gib_text(part.seconds)));
      x += w;
    }
    const double headroom = r.capacity_bytes - r.memory.total_bytes();
    if (bar >= 12)
      svg.text(std::max(x, left + x_of(r.capacity_bytes)) + 6, y + bar / 2 + 4,
               headroom >= 0 ? fmt::format("{} ({} free)", gib_text(r.memory.total_bytes()), gib_text(headroom))
                             : fmt::format("{}: over by {}", gib_text(r.memory.total_bytes()), gib_text(-headroom)),
               "start", "small");
    const double cx = left + x_of(r.capacity_bytes);
    svg.line(cx, y - gap / 2, cx, y + bar + gap / 2, kVermillion, 2, "4,2");
  }
  axis.draw(svg, left, top + plot_h, top);
  auto parts = memory_parts({});
  parts.push_back({"capacity (dashed)", kVermillion, 0});
  legend(svg, left, legend_y, parts, width + 100);
  return svg;
}

}  // namespace dtsim::tools
