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

namespace {

// What a row's bar ends with: its total and its headroom, or by how much it is over.
std::string total_text(const MemoryRow& r) {
  const double headroom = r.capacity_bytes - r.memory.total_bytes();
  return headroom >= 0
             ? fmt::format("{} ({} free)", gib_text(r.memory.total_bytes()), gib_text(headroom))
             : fmt::format("{}: over by {}", gib_text(r.memory.total_bytes()), gib_text(-headroom));
}

}  // namespace

Svg memory_chart(const std::vector<MemoryRow>& rows) {
  constexpr double width = 700, top = 10;
  const bool thin = rows.size() > 24;  // then every fourth row is named
  const double bar = thin ? 10 : 20, gap = thin ? 3 : 8;
  double largest = 0, name_w = 0;
  int over = 0;
  for (const auto& r : rows) {
    largest = std::max({largest, r.memory.total_bytes(), r.capacity_bytes});
    name_w = std::max(name_w, text_width_px(r.name + r.verdict, thin ? "small" : ""));
    over += r.memory.total_bytes() > r.capacity_bytes;
  }
  const double left = std::clamp(name_w + 16, 90.0, 280.0);
  const Axis axis(largest / kGiB, width, &gib_axis_text);
  auto x_of = [&](double bytes) { return left + axis.x(bytes / kGiB); };
  // The total goes after the bar or the capacity line, whichever ends later.
  auto total_x = [&](const MemoryRow& r) {
    return std::max(x_of(r.memory.total_bytes()), x_of(r.capacity_bytes)) + 6;
  };
  double right_end = left + width + 30;
  if (!thin)
    for (const auto& r : rows)
      right_end = std::max(right_end, total_x(r) + text_width_px(total_text(r), "small") + 8);
  const double plot_h = rows.size() * (bar + gap);
  const double legend_y = top + plot_h + 30;
  auto parts = memory_parts({});
  parts.push_back({"capacity (dashed)", kVermillion, 0});
  const Legend legend(parts, right_end - left);
  Svg svg(right_end, legend_y + legend.height() + 6, "Memory per accelerator against its capacity",
          fmt::format("Stacked bars of what each row's accelerator holds at its peak, with its "
                      "capacity marked by a dashed line; {} of {} rows do not fit.",
                      over, rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const double y = top + i * (bar + gap);
    if (!thin || i % 4 == 0)
      svg.text(left - 8, y + bar / 2 + 4, fitted(r.name, left - 16, thin ? "small" : "", r.verdict),
               "end", thin ? "small" : "");
    double x = left;
    for (const auto& part : memory_parts(r.memory)) {
      if (part.seconds <= 0) continue;  // bytes, in the part's value
      const double w = x_of(part.seconds) - left;
      svg.rect(x, y, w, bar, part.fill, fmt::format("{}: {}: {}", r.name, part.name, gib_text(part.seconds)));
      x += w;
    }
    if (!thin) svg.text(total_x(r), y + bar / 2 + 4, total_text(r), "start", "small");
    const double cx = x_of(r.capacity_bytes);
    svg.line(cx, y - gap / 2, cx, y + bar + gap / 2, kVermillion, 2, "4,2");
  }
  axis.draw(svg, left, top + plot_h, top);
  legend.draw(svg, left, legend_y);
  return svg;
}

}  // namespace dtsim::tools
