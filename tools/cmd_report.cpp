// dtsim report SCENARIO.yaml -o report.html [--chart NAME --variant NAME] [--search] [--set ...]
//
// Writes one self-contained HTML page (report_page.hpp) for the scenario, or for each of its
// variants side by side; with --chart, one chart as a standalone SVG file instead (the
// tutorial's pictures are made this way).
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "report_charts.hpp"
#include "report_page.hpp"

namespace dtsim::tools {
namespace {

struct Options {
  std::string scenario, output, chart, variant;
  std::vector<std::string> overrides;
  bool search = false;
};

std::vector<ReportSide> run_report(const Options& o, const config::Scenario& base) {
  std::vector<Side> sides;
  if (base.variants.empty()) {
    sides.push_back({base, study::summarize(base), "the scenario's plan"});
  } else {
    sides = run_sides(o.scenario, o.overrides, base, o.search || base.search.given);
  }
  std::vector<ReportSide> out(sides.size());
  tbb::parallel_for(std::size_t{0}, sides.size(), [&](std::size_t i) {
    out[i].recording = training::record_step(sides[i].scenario);
    out[i].side = std::move(sides[i]);
  });
  return out;
}

const ReportSide& chosen_side(const Options& o, const std::vector<ReportSide>& sides) {
  for (const auto& s : sides)
    if (s.side.summary.name == o.variant) return s;
  return sides.front();
}

Svg chart(const Options& o, const std::vector<ReportSide>& sides) {
  if (o.chart == "breakdown") {
    std::vector<NamedBreakdown> rows;
    for (const auto& s : sides)
      if (o.variant.empty() || s.side.summary.name == o.variant)
        rows.push_back({s.side.summary.name, s.side.summary.step.breakdown});
    return breakdown_chart(rows);
  }
  const auto& side = chosen_side(o, sides);
  if (o.chart == "timeline") return timeline_chart(side.recording, side.side.scenario);
  if (o.chart == "links") return links_chart(side.recording);
  if (!o.variant.empty() || sides.size() == 1) return memory_chart(stage_rows(side.side.summary.step.memory));
  std::vector<MemoryRow> rows;
  for (const auto& s : sides) {
    const auto& v = s.side.summary.step.memory;
    rows.push_back({s.side.summary.name, v.stages.at(v.worst_stage), v.capacity_bytes});
  }
  return memory_chart(rows);
}

std::vector<std::string> comparison_lines(const std::vector<ReportSide>& sides) {
  std::vector<Side> plain;
  for (const auto& s : sides) plain.push_back(s.side);
  std::vector<std::string> lines(sides.size());
  tbb::parallel_for(std::size_t{1}, sides.size(), [&](std::size_t i) {
    if (const Side* base = baseline_of(plain, i))
      lines[i] = fmt::format("{} vs {}: {}", plain[i].summary.name, base->summary.name, against(plain[i], *base));
  });
  std::erase(lines, std::string());
  return lines;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::invalid_argument("cannot write '" + path + "'");
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("report", "write an HTML report with charts (or one chart as SVG)");
  cmd->add_option("scenario", o->scenario, "scenario YAML file (with variants: they are shown side by side)")
      ->required();
  cmd->add_option("-o,--output", o->output, "the file to write: report.html, or chart.svg with --chart")->required();
  cmd->add_option("--chart", o->chart, "write only this chart as a standalone SVG")
      ->check(CLI::IsMember({"breakdown", "timeline", "memory", "links"}));
  cmd->add_option("--variant", o->variant, "with --chart: the variant to draw (default: the first; breakdown and "
                                           "memory show all variants)");
  cmd->add_option("--set", o->overrides, "override a key: --set parallelism.pp=4");
  cmd->add_flag("--search", o->search, "let each variant find its fastest plan (as a search: block does)");
  cmd->callback([o] {
    const auto base = config::load_scenario(o->scenario, o->overrides);
    if (!o->variant.empty()) find_variant(o->scenario, base, o->variant);  // before simulating
    const auto sides = run_report(*o, base);
    if (!o->chart.empty()) {
      write_file(o->output, chart(*o, sides).str(true));
    } else {
      write_file(o->output, report_page(base.name, sides, comparison_lines(sides)));
    }
    std::cerr << "wrote " << o->output << "\n";
  });
}

}  // namespace dtsim::tools
