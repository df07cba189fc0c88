// dtsim validate FILE [--json]: every published run in FILE (shared/data/calibration.yaml
// format) simulated and compared with its measured step time.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "breakdown_json.hpp"
#include "commands.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/validation.hpp"
#include "dtsim/sim/training/step_result.hpp"
#include "progress_bar.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

struct Outcome {
  const config::ValidationCase* c = nullptr;
  std::optional<training::StepResult> result;
  std::string not_run;
  double error = 0;  // (predicted - measured) / measured
};

struct Summary {
  int cases = 0, run = 0;
  double median = 0, p90 = 0, max = 0;
};

// Nearest-rank quantile of the sorted values.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto k = static_cast<std::size_t>(std::ceil(q * sorted.size()));
  return sorted[std::max<std::size_t>(k, 1) - 1];
}

Summary summarize(const std::vector<Outcome>& outcomes) {
  Summary s;
  std::vector<double> abs_errors;
  for (const auto& o : outcomes) {
    ++s.cases;
    if (o.result) abs_errors.push_back(std::abs(o.error));
  }
  std::sort(abs_errors.begin(), abs_errors.end());
  s.run = static_cast<int>(abs_errors.size());
  if (!abs_errors.empty()) {
    const std::size_t n = abs_errors.size();
    s.median = n % 2 ? abs_errors[n / 2] : (abs_errors[n / 2 - 1] + abs_errors[n / 2]) / 2;
    s.p90 = quantile(abs_errors, 0.9);
    s.max = abs_errors.back();
  }
  return s;
}

Outcome run_case(const config::ValidationCase& c) {
  Outcome out;
  out.c = &c;
  if (!c.scenario) {
    out.not_run = c.not_run;
    return out;
  }
  try {
    out.result = training::simulate_step(*c.scenario);
    out.error = (out.result->step_time_s - c.measured_step_s) / c.measured_step_s;
  } catch (const std::exception& e) {
    out.not_run = std::string("simulation failed: ") + e.what();
  }
  return out;
}

std::vector<Outcome> run_all(const std::vector<config::ValidationCase>& cases) {
  std::vector<Outcome> out(cases.size());
  ProgressBar progress(cases.size(), "cases", ResultsPrinted::after_the_work);
  // Each case is its own simulation; results land in their case's slot, so the output does not
  // depend on how many threads ran them.
  tbb::parallel_for(std::size_t{0}, cases.size(), [&](std::size_t i) {
    out[i] = run_case(cases[i]);
    progress.advance();
  });
  return out;
}

void print_json(const std::vector<Outcome>& outcomes, const Summary& s) {
  Json cases = Json::array();
  for (const auto& o : outcomes) {
    Json j{{"id", o.c->id}, {"measured_s", o.c->measured_step_s}};
    if (o.result) {
      j["predicted_s"] = o.result->step_time_s;
      j["error"] = o.error;
      j["mfu"] = o.result->mfu;
      j["fits_memory"] = o.result->memory.fits();
      j["breakdown_s"] = breakdown_json(o.result->breakdown);
      j["defaults"] = o.c->scenario->notes;
    } else {
      j["predicted_s"] = nullptr;
      j["error"] = nullptr;
      j["not_run"] = o.not_run;
    }
    cases.push_back(j);
  }
  Json j{{"cases", cases},
         {"summary",
          {{"cases", s.cases},
           {"run", s.run},
           {"median_abs_error", s.median},
           {"p90_abs_error", s.p90},
           {"max_abs_error", s.max}}}};
  std::cout << j.dump(2) << "\n";
}

// "fits", "tight" (less headroom than the memory model's uncertainty) or "OOM".
std::string memory_cell(const models::MemoryVerdict& memory) {
  const auto fit = memory.fit();
  return fit == models::MemoryFit::does_not_fit ? "OOM" : models::to_string(fit);
}

void print_text(const std::vector<Outcome>& outcomes, const Summary& s) {
  TextTable t({"case", "measured (s)", "predicted (s)", "error", "MFU", "memory"});
  for (const auto& o : outcomes) {
    if (!o.result) {
      t.row({o.c->id, fmt::format("{:.3f}", o.c->measured_step_s), "not run", "", "", ""});
      continue;
    }
    t.row({o.c->id, fmt::format("{:.3f}", o.c->measured_step_s),
           fmt::format("{:.3f}", o.result->step_time_s), fmt::format("{:+.1f} %", 100 * o.error),
           fmt::format("{:.1f} %", 100 * o.result->mfu), memory_cell(o.result->memory)});
  }
  std::cout << t.fitted() << "\n";
  std::cout << fmt::format(
      "{} cases, {} run: median |error| {:.1f} %, p90 {:.1f} %, max {:.1f} %\n", s.cases, s.run,
      100 * s.median, 100 * s.p90, 100 * s.max);
  bool header = false;
  for (const auto& o : outcomes)
    if (!o.result) {
      if (!header) std::cout << "\nnot run\n";
      header = true;
      std::cout << paragraph(o.c->id + ": " + o.not_run, kLineColumns, 2, 4);
    }
  std::cout << "\ndefaults applied to null fields\n";
  for (const auto& o : outcomes)
    if (o.result && !o.c->scenario->notes.empty())
      std::cout << paragraph(fmt::format("{}: {}", o.c->id, fmt::join(o.c->scenario->notes, "; ")),
                             kLineColumns, 2, 4);
}

void export_scenarios(const std::vector<config::ValidationCase>& cases, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (const auto& c : cases) {
    if (!c.scenario) continue;
    const auto path = std::filesystem::path(dir) / (c.id + ".yaml");
    std::ofstream out(path);
    if (!out)
      throw config::ConfigError({"command line", 1, 1}, "--export",
                                "expected a writable folder, found '" + dir + "'");
    out << "# " << c.id << ": " << c.source << "\n";
    out << fmt::format("# measured step time {} s\n", c.measured_step_s);
    for (const auto& n : c.scenario->notes) out << "# " << n << "\n";
    out << "name: " << c.id << "\n" << c.scenario_yaml << "\n";
  }
}

}  // namespace

void add_validate_command(CLI::App& app) {
  struct Options {
    std::string file;
    bool json = false;
    std::string only;
    std::vector<std::string> overrides;
    std::string export_dir;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "validate", "simulate published training runs and compare with their step times");
  cmd->add_option("file", o->file, "cases in shared/data/calibration.yaml format")->required();
  cmd->add_option("--only", o->only, "run only the cases whose id contains this text");
  add_max_memory_option(*cmd, o->overrides);
  cmd->add_option("--set", o->overrides,
                  "override a scenario key in every case: --set parallelism.zero=1")
      ->take_all();
  cmd->add_option(
      "--export", o->export_dir,
      "also write each case as a scenario file DIR/ID.yaml, to run, trace or vary with dtsim run");
  cmd->add_flag("--json", o->json,
                "print JSON: cases [{id, measured_s, predicted_s, error}] and a summary");
  cmd->callback([o] {
    auto cases = config::load_validation_cases(o->file, o->overrides);
    if (!o->only.empty())
      std::erase_if(cases, [&](const auto& c) { return c.id.find(o->only) == std::string::npos; });
    if (!o->export_dir.empty()) export_scenarios(cases, o->export_dir);
    const auto outcomes = run_all(cases);
    const auto summary = summarize(outcomes);
    if (o->json)
      print_json(outcomes, summary);
    else
      print_text(outcomes, summary);
  });
}

}  // namespace dtsim::tools
