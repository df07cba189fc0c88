#include "variant_sides.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/search.hpp"
#include "progress_bar.hpp"
#include "units.hpp"

namespace dtsim::tools {

const config::Variant& find_variant(const std::string& path, const config::Scenario& base, const std::string& name) {
  std::string names;
  for (const auto& v : base.variants) {
    if (v.name == name) return v;
    names += (names.empty() ? "" : ", ") + v.name;
  }
  throw std::invalid_argument(
      fmt::format("--variant: no variant named '{}' in {} (its variants: {})", name, path,
                  names.empty() ? "none" : names));
}

namespace {

Side run_side(config::Scenario s, bool search) {
  Side side;
  side.chosen = "the scenario's plan";
  if (search) {
    const auto found = study::search(s);
    const auto best = std::find_if(found.confirmed.begin(), found.confirmed.end(),
                                   [](const auto& r) { return r.memory.fits(); });
    if (best != found.confirmed.end()) {
      s = study::with_plan(s, best->plan);
      side.chosen = fmt::format("fastest of {} plans that fit", found.fitting.size());
    } else {
      side.chosen = "no plan fits: the scenario's plan";
    }
  }
  side.summary = study::summarize(s);
  side.scenario = std::move(s);
  return side;
}

}  // namespace

std::vector<Side> run_sides(const std::string& path, const std::vector<std::string>& overrides,
                            const config::Scenario& base, bool search) {
  std::vector<config::Scenario> scenarios;
  for (const auto& v : base.variants) scenarios.push_back(config::load_variant(path, overrides, v));
  std::vector<Side> sides(scenarios.size());
  ProgressBar progress(scenarios.size(), "variants", ResultsPrinted::after_the_work);
  tbb::parallel_for(std::size_t{0}, scenarios.size(), [&](std::size_t i) {
    sides[i] = run_side(scenarios[i], search);
    progress.advance();
  });
  return sides;
}

std::string scale_up_text(const config::Scenario& s) {
  const auto& up = s.cluster.system.scale_up;
  const auto* link = s.catalog.find_link(up.link);
  if (!link) return "";
  return format_quantity(link->bw_bytes_per_s * up.links_per_accelerator,
                         Quantity::bandwidth_bytes_per_s);
}

std::string scale_out_text(const config::Scenario& s) {
  const auto& out = s.cluster.system.scale_out;
  const auto* link = s.catalog.find_link(out.link);
  if (!link || out.nics_per_node == 0) return "none";
  return format_quantity(
      link->bw_bytes_per_s * out.nics_per_node / s.cluster.system.accelerators_per_node,
      Quantity::bandwidth_bytes_per_s);
}

const Side* baseline_of(const std::vector<Side>& sides, std::size_t i) {
  for (std::size_t j = 0; j < i; ++j)
    if (sides[j].scenario.model.name == sides[i].scenario.model.name) return &sides[j];
  return nullptr;
}

namespace {

// Why step `a` differs from `b`, given a.step / b.step - 1. Below 0.05 % the printed ratio
// rounds to 0.0 %, and "faster" (or a list of parts that grew by nothing) would mislead.
std::string verdict(double ratio, const training::StepResult& a, const training::StepResult& b) {
  if (std::abs(ratio) < 5e-4) return "the same";
  return ratio > 0 ? study::slower_because(a, b) : "faster";
}

}  // namespace

std::string against(const Side& side, const Side& base) {
  const auto& a = side.summary.step;
  const auto& b = base.summary.step;
  const double ratio = a.step_time_s / b.step_time_s - 1;
  std::string text = fmt::format("step {:+.1f} % ({})", 100 * ratio, verdict(ratio, a, b));
  if (study::plan_text(side.scenario.plan) == study::plan_text(base.scenario.plan) ||
      side.scenario.cluster.accelerators != base.scenario.cluster.accelerators)
    return text;
  config::Scenario same_plan;
  try {
    same_plan = study::with_plan(side.scenario, base.scenario.plan);
  } catch (const std::invalid_argument&) {
    return text + fmt::format("; {}'s plan cannot run here", base.summary.name);
  }
  const auto r = training::simulate_step(same_plan);
  const double same_plan_ratio = r.step_time_s / b.step_time_s - 1;
  text += fmt::format("; at {}'s plan {}, {:+.1f} % ({}){}", base.summary.name,
                      format_quantity(r.step_time_s, Quantity::time_s), 100 * same_plan_ratio,
                      verdict(same_plan_ratio, r, b),
                      r.memory.fits() ? "" : ", but it does not fit in memory");
  return text;
}

std::vector<std::string> comparison_lines(const std::vector<Side>& sides) {
  std::vector<std::string> lines(sides.size());
  tbb::parallel_for(std::size_t{1}, sides.size(), [&](std::size_t i) {
    if (const Side* base = baseline_of(sides, i))
      lines[i] = fmt::format("{} vs {}: {}", sides[i].summary.name, base->summary.name,
                             against(sides[i], *base));
  });
  std::erase(lines, std::string());
  return lines;
}

}  // namespace dtsim::tools
