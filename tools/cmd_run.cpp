// dtsim run SCENARIO.yaml [--json] [--set key.path=value ...]
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "breakdown_json.hpp"
#include "commands.hpp"
#include "dtsim/models/transformer.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/step_result.hpp"
#include "dtsim/sim/training/trace.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

std::string plan_line(const config::Scenario& s, std::int64_t micro_batches) {
  const auto& p = s.plan;
  std::string line = fmt::format("TP{} PP{} DP{}", p.tp, p.pp, p.dp);
  if (p.cp > 1) line += fmt::format(" CP{}", p.cp);
  if (p.ep > 1) line += fmt::format(" EP{}", p.ep);
  line += fmt::format(", {} schedule", models::to_string(p.schedule));
  if (p.vpp > 1) line += fmt::format(" (vpp {})", p.vpp);
  line += fmt::format(", micro-batch {} x {} per step, ZeRO-{}, SP {}, recompute {}", p.micro_batch,
                      micro_batches, p.zero, p.sequence_parallel ? "on" : "off",
                      models::to_string(p.recompute));
  return line;
}

Json to_json(const config::Scenario& s, const training::StepResult& r) {
  Json j;
  j["scenario"] = s.name;
  j["model"] = s.model.name;
  j["parameters"] = models::count_params(s.model).total;
  j["system"] = s.cluster.system.id;
  j["accelerator"] = s.cluster.device.id;
  j["accelerators"] = s.cluster.accelerators;
  j["plan"] = {{"tp", s.plan.tp}, {"pp", s.plan.pp}, {"dp", s.plan.dp}, {"cp", s.plan.cp},
               {"ep", s.plan.ep}, {"vpp", s.plan.vpp}, {"micro_batch", s.plan.micro_batch},
               {"micro_batches", r.micro_batches}, {"schedule", models::to_string(s.plan.schedule)},
               {"zero", s.plan.zero}, {"sequence_parallel", s.plan.sequence_parallel},
               {"recompute", models::to_string(s.plan.recompute)},
               {"chunk_layers", s.plan.chunk_layers}};
  j["step_time_s"] = r.step_time_s;
  j["tokens_per_s"] = r.tokens_per_s;
  j["mfu"] = r.mfu;
  j["hfu"] = r.hfu;
  j["model_flops_per_step"] = r.model_flops;
  j["breakdown_s"] = breakdown_json(r.breakdown);
  j["tokens"] = s.training.tokens;
  j["time_to_train_days"] = r.time_to_train_s / 86400;
  j["accelerator_hours"] = r.accelerator_hours;
  j["notes"] = s.notes;
  return j;
}

std::string percent(double part, double whole) { return fmt::format("{:.1f} %", 100 * part / whole); }

void print_text(const config::Scenario& s, const training::StepResult& r) {
  const auto params = models::count_params(s.model);
  std::cout << s.name << "\n";
  TextTable setup({}, true);
  setup.row({"model", fmt::format("{} ({:.1f} B parameters)", s.model.name, params.total / 1e9)});
  setup.row({"cluster", fmt::format("{} x {} = {} x {}", s.cluster.nodes, s.cluster.system.name,
                                    s.cluster.accelerators, s.cluster.device.name)});
  setup.row({"plan", plan_line(s, r.micro_batches)});
  std::cout << setup.str() << "\n";

  TextTable results({"result", "value"});
  results.row({"step time", fmt::format("{:.3f} s", r.step_time_s)});
  results.row({"tokens/s", thousands(r.tokens_per_s)});
  results.row({"MFU", fmt::format("{:.1f} %", 100 * r.mfu)});
  results.row({"HFU", fmt::format("{:.1f} %", 100 * r.hfu)});
  if (s.training.tokens > 0) {
    results.row({"time to train", fmt::format("{:.2f} days", r.time_to_train_s / 86400)});
    results.row({"  for tokens", in_words(s.training.tokens)});
    results.row({"accelerator-hours", thousands(r.accelerator_hours)});
  }
  std::cout << results.str() << "\n";

  const auto& b = r.breakdown;
  TextTable parts({"where the step time goes (mean over ranks)", "time", "share"});
  auto add = [&](const char* name, double v) {
    parts.row({name, fmt::format("{:.3f} s", v), percent(v, r.step_time_s)});
  };
  add("compute", b.compute_s);
  add("recompute", b.recompute_s);
  add("optimizer step", b.optimizer_s);
  add("exposed TP/CP/EP communication", b.exposed_tp_s);
  add("exposed DP communication", b.exposed_dp_s);
  add("pipeline transfers (p2p wait)", b.pp_wait_s);
  add("pipeline bubble", b.bubble_s);
  std::cout << parts.str();
  if (!s.notes.empty()) {
    std::cout << "\nassumptions\n";
    for (const auto& n : s.notes) std::cout << "  " << n << "\n";
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  struct Options {
    std::string scenario;
    bool json = false;
    std::vector<std::string> overrides;
    std::string trace;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("run", "simulate one training step of a scenario and report it");
  cmd->add_option("scenario", opts->scenario, "scenario YAML file")->required();
  cmd->add_flag("--json", opts->json, "print one JSON document instead of tables");
  cmd->add_option("--set", opts->overrides, "override a scenario key: --set parallelism.tp=4")
      ->take_all();
  cmd->add_option("--trace", opts->trace, "write the step as a Chrome trace (open it in Perfetto)");
  cmd->callback([opts] {
    const auto scenario = config::load_scenario(opts->scenario, opts->overrides);
    if (!opts->trace.empty()) {
      std::ofstream out(opts->trace);
      if (!out) throw config::ConfigError({"command line", 1, 1}, "--trace", "expected a writable file, found '" + opts->trace + "'");
      training::write_trace(scenario, out);
    }
    const auto result = training::simulate_step(scenario);
    if (opts->json) std::cout << to_json(scenario, result).dump(2) << "\n";
    else print_text(scenario, result);
  });
}

}  // namespace dtsim::tools
