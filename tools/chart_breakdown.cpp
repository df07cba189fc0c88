#include <fmt/format.h>

#include <algorithm>

#include "chart_axis.hpp"
#include "report_charts.hpp"

namespace dtsim::tools {

std::vector<BreakdownPart> breakdown_parts(const training::Breakdown& b) {
  return {{"compute", kBlue, b.compute_s},
          {"recompute", kGreen, b.recompute_s},
          {"optimizer", kBlack, b.optimizer_s},
          {"exposed TP", kOrange, b.exposed_tp_s},
          {"exposed CP", kYellow, b.exposed_cp_s},
          {"exposed EP", kPurple, b.exposed_ep_s},
          {"exposed DP", kVermillion, b.exposed_dp_s},
          {"pipeline transfers", kDots, b.pp_wait_s},
          {"pipeline bubble", kHatch, b.bubble_s}};
}

Svg breakdown_chart(const std::vector<NamedBreakdown>& rows) {
  constexpr double width = 760, bar = 26, gap = 12, top = 10;
  double longest = 0, name_w = 0, total_w = 0;
  for (const auto& r : rows) {
    longest = std::max(longest, r.breakdown.total());
    name_w = std::max(name_w, text_width_px(r.name + r.verdict));
    total_w = std::max(total_w, text_width_px(seconds_text(r.breakdown.total()), "small"));
  }
  // Room for the names up to a limit (longer ones are cut short: the table has them whole),
  // and for the total after the longest bar.
  const double left = std::clamp(name_w + 16, 90.0, 280.0), right = std::max(30.0, total_w + 12);
  const TimeAxis axis(longest, width);
  const double plot_h = rows.size() * (bar + gap);
  const double legend_y = top + plot_h + 30;
  const Legend legend(breakdown_parts({}), width);
  Svg svg(left + width + right, legend_y + legend.height() + 6, "Where the step time goes",
          fmt::format("Stacked bars of the mean step-time breakdown over ranks, for {} row(s); the "
                      "longest is {}.",
                      rows.size(), seconds_text(longest)));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double y = top + i * (bar + gap);
    const double total = rows[i].breakdown.total();
    svg.text(left - 8, y + bar / 2 + 4, fitted(rows[i].name, left - 16, "", rows[i].verdict),
             "end");
    double x = left;
    for (const auto& part : breakdown_parts(rows[i].breakdown)) {
      if (part.seconds <= 0) continue;
      const double w = axis.x(part.seconds);
      const std::string share = fmt::format("{:.0f}%", 100 * part.seconds / total);
      const std::string style = on_fill_class(part.fill);
      svg.rect(x, y, w, bar, part.fill,
               fmt::format("{}: {} ({:.1f} %)", part.name, seconds_text(part.seconds), 100 * part.seconds / total));
      if (w > text_width_px(share, style) + 8)
        svg.text(x + w / 2, y + bar / 2 + 4, share, "middle", style);
      x += w;
    }
    svg.text(x + 4, y + bar / 2 + 4, seconds_text(total), "start", "small");
  }
  axis.draw(svg, left, top + plot_h, top);
  legend.draw(svg, left, legend_y);
  return svg;
}

}  // namespace dtsim::tools
