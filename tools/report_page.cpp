#include "report_page.hpp"

#include <fmt/format.h>

#include "chart_axis.hpp"
#include "report_charts.hpp"
#include "summary_format.hpp"

namespace dtsim::tools {
namespace {

// Whatever browser opens the page fetches nothing: no script, font, image or style from
// anywhere (inline styles only; images only as data: URLs, which the page does not use).
constexpr const char* kReportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

constexpr const char* kPageCss =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#222;background:#fff;max-width:1120px;margin:1.5em auto;"
    "padding:0 1em;line-height:1.4}h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:2px solid #0072B2;"
    "padding-bottom:2px;margin-top:2em}h3{font-size:1.05em;margin:1.2em 0 .3em}figure{margin:.8em 0 1.4em;"
    "break-inside:avoid}figcaption{font-size:.9em;color:#444;margin-top:.3em}svg.chart{max-width:100%;height:auto;"
    "display:block}table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{padding:2px 10px;"
    "border-bottom:1px solid #ddd;text-align:right;vertical-align:top}th:first-child,td:first-child{text-align:left}"
    "thead th{border-bottom:2px solid #444}.note{font-size:.85em;color:#444}ul.notes{font-size:.8em;color:#444}"
    // A plan that does not fit (or barely does) says so beside every heading of its section.
    ".verdict{font-size:.75em;font-weight:bold;padding:1px 7px;margin-left:.6em;border-radius:3px;"
    "vertical-align:middle}.verdict.does-not-fit{background:#D55E00;color:#fff}"
    ".verdict.tight{background:#F0E442;color:#222;border:1px solid #8a7d00}"
    "@media print{body{max-width:none;margin:0}h2{break-before:page}h2.first{break-before:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    // Chromium prints every pattern fill as an image of its own (a 54 MB PDF for a ten-variant
    // report against 0.4 MB without): on paper the bubble and transfers are solid greys and
    // pinks, still labelled and in the tables.
    "svg.chart [fill='url(#hatch)']{fill:#cfcfcf}svg.chart [fill='url(#dots)']{fill:#f0c8e4}}";

std::string html_table(const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><thead><tr>";
  for (const auto& h : rows.front()) out += "<th>" + xml_escaped(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (std::size_t i = 1; i < rows.size(); ++i) {
    out += "<tr>";
    for (const auto& c : rows[i]) out += "<td>" + xml_escaped(c) + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table>\n";
}

std::string figure(const std::string& id, const Svg& svg, const std::string& caption, const std::string& extra = "") {
  return fmt::format("<figure id=\"{}\">{}<figcaption>{}</figcaption>{}</figure>\n", id, svg.str(), xml_escaped(caption),
                     extra);
}

std::string breakdown_table(const training::Breakdown& b) {
  std::vector<std::vector<std::string>> rows = {{"part of the step", "time", "share"}};
  for (const auto& p : breakdown_parts(b))
    rows.push_back({p.name, seconds_text(p.seconds), fmt::format("{:.1f} %", 100 * p.seconds / b.total())});
  return html_table(rows);
}

// A badge for a plan that does not fit in memory or fits with little headroom; none when it fits.
std::string verdict_badge(const models::MemoryVerdict& memory) {
  switch (memory.fit()) {
    case models::MemoryFit::fits:
      return "";
    case models::MemoryFit::tight:
      return fmt::format("<span class=\"verdict tight\">tight on memory: {} free</span>",
                         gib_text(memory.headroom_bytes()));
    case models::MemoryFit::does_not_fit:
      return fmt::format(
          "<span class=\"verdict does-not-fit\">does not fit in memory: {} over</span>",
          gib_text(-memory.headroom_bytes()));
  }
  return "";
}

std::string section(const ReportSide& r, const std::string& id, bool first) {
  const auto& s = r.side.scenario;
  const auto& step = r.side.summary.step;
  const std::string badge = verdict_badge(step.memory);
  auto heading = [&](const std::string& text) { return "<h3>" + text + badge + "</h3>\n"; };
  std::string out =
      fmt::format("<section id=\"{}\"><h2{}>{}{}</h2>\n", id, first ? " class=\"first\"" : "",
                  xml_escaped(r.side.summary.name), badge);
  out += fmt::format("<p>{} ({:.1f} B parameters) on {} x {} = {} x {}. Plan: {} ({}).</p>\n", xml_escaped(s.model.name),
                     models::count_params(s.model).total / 1e9, s.cluster.nodes, xml_escaped(s.cluster.system.name), s.cluster.accelerators,
                     xml_escaped(s.cluster.device.name), xml_escaped(r.side.summary.plan), xml_escaped(r.side.chosen));
  out += fmt::format("<p>Step {} · {} tokens/s · MFU {:.1f} % · {}.</p>\n",
                     seconds_text(step.step_time_s), fmt::format("{:.0f}", step.tokens_per_s),
                     100 * step.mfu, models::to_string(step.memory.fit()) + " in memory");
  out += heading("Where the step time goes");
  out +=
      figure(id + "-breakdown",
             breakdown_chart({{r.side.summary.name, step.breakdown, row_verdict(r.side.summary)}}),
             "Mean over the simulated ranks; exposed communication is the time the compute stream "
             "waited for it or ran it.",
             breakdown_table(step.breakdown));
  out += heading("Pipeline timeline");
  out += figure(id + "-timeline", timeline_chart(r.recording, s),
                r.recording.fold > 1
                    ? fmt::format("One rank per stage is simulated for its {} peers (folding); hover a block for "
                                  "what it is.", r.recording.fold)
                    : std::string("Hover a block for what it is."));
  out += heading("Memory per accelerator");
  out += figure(id + "-memory", memory_chart(stage_rows(step.memory)),
                "At each stage's peak: model state by ZeRO stage, activations of the micro-batches the schedule keeps "
                "in flight, buffers and the framework (models/memory.hpp).");
  out += heading("Link utilization");
  out += figure(id + "-links", links_chart(r.recording),
                r.recording.fold > 1 ? "The links the simulated ranks' traffic crossed."
                                     : "The links that carried traffic.");
  if (!s.notes.empty()) {
    out += "<h3>Assumptions</h3><ul class=\"notes\">";
    for (const auto& n : s.notes) out += "<li>" + xml_escaped(n) + "</li>";
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

std::string side_by_side(const std::vector<ReportSide>& sides, const std::vector<std::string>& comparison) {
  std::vector<study::Summary> summaries;
  for (const auto& r : sides) summaries.push_back(r.side.summary);
  std::string out = "<section id=\"compare\"><h2 class=\"first\">The variants side by side</h2>\n";
  out += html_table(summary_rows(summaries));
  out += "<h3>Where the step time goes</h3>\n";
  out += figure("compare-breakdown", breakdown_chart(breakdown_rows(sides)), "Each variant's step on one time scale.");
  out += "<h3>Memory of each variant's fullest stage</h3>\n";
  out += figure("compare-memory", memory_chart(fullest_stage_rows(sides)), "The pipeline stage closest to (or furthest over) capacity.");
  if (!comparison.empty()) {
    out += "<h3>Against the first variant of the same model</h3><ul>";
    for (const auto& line : comparison) out += "<li>" + xml_escaped(line) + "</li>";
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

}  // namespace

std::string row_verdict(const study::Summary& summary) {
  const auto fit = summary.step.memory.fit();
  return fit == models::MemoryFit::fits ? "" : " (" + models::to_string(fit) + ")";
}

std::vector<NamedBreakdown> breakdown_rows(const std::vector<ReportSide>& sides) {
  std::vector<NamedBreakdown> rows;
  for (const auto& r : sides)
    rows.push_back(
        {r.side.summary.name, r.side.summary.step.breakdown, row_verdict(r.side.summary)});
  return rows;
}

std::vector<MemoryRow> fullest_stage_rows(const std::vector<ReportSide>& sides) {
  std::vector<MemoryRow> rows;
  for (const auto& r : sides) {
    const auto& v = r.side.summary.step.memory;
    rows.push_back({r.side.summary.name, v.stages.at(v.worst_stage), v.capacity_bytes,
                    row_verdict(r.side.summary)});
  }
  return rows;
}

std::string report_page(const std::string& title, const std::vector<ReportSide>& sides,
                        const std::vector<std::string>& comparison) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += std::string("<meta http-equiv=\"Content-Security-Policy\" content=\"") + kReportPolicy + "\">";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  out += fmt::format("<title>dtsim report: {}</title><style>{}{}</style></head>\n<body>\n", xml_escaped(title), kPageCss,
                     svg_css());
  out += "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\">" + svg_defs() + "</svg>\n";
  out += fmt::format("<header><h1>{}</h1><p class=\"note\">Simulated by dtsim {}: predictions, not measurements. "
                     "Every chart has a text description; hover a shape for its value.</p></header>\n",
                     xml_escaped(title), DTSIM_VERSION);
  if (sides.size() > 1) out += side_by_side(sides, comparison);
  for (std::size_t i = 0; i < sides.size(); ++i)
    out += section(sides[i], fmt::format("side-{}", i), sides.size() == 1);
  return out + "</body></html>\n";
}

}  // namespace dtsim::tools
