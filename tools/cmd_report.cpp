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

std::vector<Side> report_sides(const Options& o, const config::Scenario& base) {
  if (base.variants.empty()) return {{base, study::summarize(base), "the scenario's plan"}};
  return run_sides(o.scenario, o.overrides, base, o.search || base.search.given);
}

std::vector<ReportSide> recorded(std::vector<Side> sides) {
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
  const auto& side = chosen_side(o, sides);
  const bool all = o.variant.empty() && sides.size() > 1;  // breakdown and memory: every variant
  if (o.chart == "breakdown")
    return breakdown_chart(
        all ? breakdown_rows(sides)
            : std::vector<NamedBreakdown>{{side.side.summary.name, side.side.summary.step.breakdown,
                                           row_verdict(side.side.summary)}});
  if (o.chart == "timeline") return timeline_chart(side.recording, side.side.scenario);
  if (o.chart == "links") return links_chart(side.recording);
  return memory_chart(all ? fullest_stage_rows(sides) : stage_rows(side.side.summary.step.memory));
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
  add_max_memory_option(*cmd, o->overrides);
  cmd->add_option("--set", o->overrides, "override a key: --set parallelism.pp=4");
  cmd->add_flag("--search", o->search, "let each variant find its fastest plan (as a search: block does)");
  cmd->callback([o] {
    const auto base = config::load_scenario(o->scenario, o->overrides);
    if (!o->variant.empty()) find_variant(o->scenario, base, o->variant);  // before simulating
    auto sides = report_sides(*o, base);
    if (!o->chart.empty()) {
      write_file(o->output, chart(*o, recorded(std::move(sides))).str(true));
    } else {
      const auto lines = comparison_lines(sides);
      write_file(o->output, report_page(base.name, recorded(std::move(sides)), lines));
    }
    std::cerr << "wrote " << o->output << "\n";
  });
}

}  // namespace dtsim::tools
