// dtsim run SCENARIO.yaml [--json] [--set key.path=value ...]
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "breakdown_json.hpp"
#include "commands.hpp"
#include "memory_verdict.hpp"
#include "dtsim/models/transformer.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/economics.hpp"
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

// A value that exists only when `known`: null otherwise, never a misleading 0.
Json known_or_null(bool known, double value) { return known ? Json(value) : Json(nullptr); }

Json goodput_json(const study::Goodput& g) {
  return {{"enabled", g.enabled},
          {"fraction", g.fraction},
          {"failures_per_accelerator_day", g.failures_per_accelerator_day},
          {"mtbf_s", g.mtbf_s},
          {"checkpoint_bytes", g.checkpoint_bytes},
          {"checkpoint_bytes_per_s", g.checkpoint_bytes_per_s},
          {"checkpoint_write_s", g.checkpoint_write_s},
          {"checkpoint_interval_s", g.checkpoint_interval_s},
          {"restart_s", g.restart_s},
          {"interruptions", g.interruptions},
          {"checkpointing_s", g.checkpointing_s},
          {"lost_s", g.lost_s}};
}

Json cost_json(const study::Economics& e) {
  const auto& b = e.buy;
  return {
      {"pricing", e.pricing == config::CostSpec::Pricing::rent ? "rent" : "buy"},
      {"priced", e.priced},
      {"total_usd", known_or_null(e.priced, e.total_cost_usd)},
      {"rent",
       {{"usd_per_accelerator_hour", known_or_null(e.rent.known, e.rent.usd_per_accelerator_hour)},
        {"total_usd", known_or_null(e.rent.known, e.rent.total_usd)}}},
      {"buy",
       {{"basis", !b.known ? Json(nullptr)
                           : Json(b.basis == study::PriceBasis::whole_node ? "whole node"
                                                                           : "accelerators only")},
        {"basis_text", b.known ? Json(b.basis_text) : Json(nullptr)},
        {"node_price_source", b.known ? Json(b.price_source) : Json(nullptr)},
        {"node_price_usd", known_or_null(b.known, b.node_price_usd)},
        {"network_ports", b.network_ports},
        {"network_usd_per_port", known_or_null(b.known, b.network_usd_per_port)},
        {"purchase_usd", known_or_null(b.known, b.purchase_usd)},
        {"amortization_years", known_or_null(b.known, b.amortization_years)},
        {"utilization", known_or_null(b.known, b.utilization)},
        {"hardware_usd", known_or_null(b.known, b.hardware_usd)},
        {"usd_per_kwh", known_or_null(b.known, b.usd_per_kwh)},
        {"electricity_usd", known_or_null(b.known, b.electricity_usd)},
        {"total_usd", known_or_null(b.known, b.total_usd)}}}};
}

Json economics_json(const study::Economics& e) {
  const auto& p = e.power;
  return {{"ideal_time_to_train_s", e.time_to_train_s},
          {"effective_time_to_train_s", e.effective_time_to_train_s},
          {"goodput", goodput_json(e.goodput)},
          {"accelerator_hours", e.accelerator_hours},
          {"power",
           {{"busy_share", p.busy_share},
            {"accelerator_w", known_or_null(p.known, p.accelerator_w)},
            {"node_other_w", known_or_null(p.known, p.node_other_w)},
            {"it_w", known_or_null(p.known, p.it_w)},
            {"pue", p.pue},
            {"facility_w", known_or_null(p.known, p.facility_w)}}},
          {"energy_mwh", known_or_null(p.known, e.energy_mwh)},
          {"cost", cost_json(e)},
          {"assumptions", e.assumptions}};
}

Json to_json(const config::Scenario& s, const training::StepResult& r, const study::Economics& e) {
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
  j["memory"] = memory_json(r.memory);
  j["step_time_s"] = r.step_time_s;
  j["tokens_per_s"] = r.tokens_per_s;
  j["mfu"] = r.mfu;
  j["hfu"] = r.hfu;
  j["model_flops_per_step"] = r.model_flops;
  j["breakdown_s"] = breakdown_json(r.breakdown);
  j["tokens"] = s.training.tokens;
  // As compare and sweep report it: unknown (null) without a token budget.
  j["time_to_train_days"] = e.time_to_train_s > 0 ? Json(e.effective_time_to_train_s / 86400) : Json(nullptr);
  j["economics"] = economics_json(e);
  j["notes"] = s.notes;
  return j;
}

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string percent(double part, double whole) { return fmt::format("{:.1f} %", 100 * part / whole); }

// "8.78 days", "3.09 h", "15.83 min", "19.600 s": the unit a reader thinks in at that length.
std::string duration(double s) {
  return format_quantity(s, Quantity::time_s);
}

std::string usd(double v) {
  return format_quantity(v, Quantity::money_usd);
}
// 1 MWh = 3.6e9 J
std::string mwh(double v) {
  return format_quantity(v * 3.6e9, Quantity::energy_j);
}

void add_goodput_rows(TextTable& t, const study::Goodput& g) {
  t.row({"goodput", fmt::format("{:.1f} %", 100 * g.fraction)});
  if (!g.enabled) return;
  t.row({"  job MTBF", fmt::format("{} ({:.3g} interruptions per accelerator-day)",
                                   duration(g.mtbf_s), g.failures_per_accelerator_day)});
  t.row({"  checkpoint",
         fmt::format("{} at {}: {} to write, every {}",
                     format_quantity(g.checkpoint_bytes, Quantity::bytes),
                     format_quantity(g.checkpoint_bytes_per_s, Quantity::bandwidth_bytes_per_s),
                     duration(g.checkpoint_write_s), duration(g.checkpoint_interval_s))});
  t.row({"  restart", duration(g.restart_s)});
  t.row({"  writing checkpoints", duration(g.checkpointing_s)});
  t.row({"  lost to interruptions",
         fmt::format("{} over {:.1f} expected interruptions (rework and restarts)",
                     duration(g.lost_s), g.interruptions)});
}

void add_cost_rows(TextTable& t, const study::Economics& e) {
  const bool rent_chosen = e.pricing == config::CostSpec::Pricing::rent;
  auto label = [](const char* name, bool chosen) {
    return fmt::format("cost, {}{}", name, chosen ? " (chosen)" : "");
  };
  if (e.rent.known)
    t.row({label("rent", rent_chosen),
           fmt::format("{} = {} accelerator-hours x {:.2f} USD", usd(e.rent.total_usd),
                       thousands(e.accelerator_hours), e.rent.usd_per_accelerator_hour)});
  const auto& b = e.buy;
  if (b.known) {
    t.row({label("buy", !rent_chosen),
           fmt::format("{} = {} hardware + {} electricity", usd(b.total_usd), usd(b.hardware_usd),
                       usd(b.electricity_usd))});
    t.row({"  outlay for the cluster",
           fmt::format("{} = {} nodes x {} + {} ports x {} ({})", usd(b.purchase_usd),
                       thousands(b.nodes), usd(b.node_price_usd), thousands(b.network_ports),
                       usd(b.network_usd_per_port), b.basis_text)});
    t.row({"  the run's share",
           fmt::format("{:.2f} % of the outlay: {} of a {:.3g}-year life at {:.0f} % utilization",
                       100 * b.hardware_usd / b.purchase_usd, duration(e.effective_time_to_train_s),
                       b.amortization_years, 100 * b.utilization)});
  }
  if (!e.priced)
    t.row(
        {"cost", fmt::format("not priced: no {} price known", rent_chosen ? "rent" : "purchase")});
}

void print_economics(const config::Scenario& s, const training::StepResult& r,
                     const study::Economics& e) {
  if (s.training.tokens <= 0) return;
  TextTable t({fmt::format("training {} tokens", in_words(s.training.tokens)), "value"}, true);
  if (!r.memory.fits())
    t.row({"runnable", "NO: does not fit in memory, figures for a job that cannot start"});
  t.row({"time to train, ideal", duration(e.time_to_train_s)});
  t.row({"time to train, effective", duration(e.effective_time_to_train_s)});
  add_goodput_rows(t, e.goodput);
  t.row({"accelerator-hours", thousands(e.accelerator_hours)});
  const auto& p = e.power;
  if (p.known) {
    t.row({"average power",
           fmt::format("{} IT x PUE {:.3g} = {} (accelerators {}, busy {:.1f} %)",
                       format_quantity(p.it_w, Quantity::power_w), p.pue,
                       format_quantity(p.facility_w, Quantity::power_w),
                       format_quantity(p.accelerator_w, Quantity::power_w), 100 * p.busy_share)});
    t.row({"energy", mwh(e.energy_mwh)});
  }
  add_cost_rows(t, e);
  std::cout << "\n" << t.fitted();
}

void print_text(const config::Scenario& s, const training::StepResult& r,
                const study::Economics& e) {
  const auto params = models::count_params(s.model);
  std::cout << s.name << "\n";
  TextTable setup({}, true);
  setup.row({"model", fmt::format("{} ({:.1f} B parameters)", s.model.name, params.total / 1e9)});
  setup.row({"cluster", fmt::format("{} x {} = {} x {}", s.cluster.nodes, s.cluster.system.name,
                                    s.cluster.accelerators, s.cluster.device.name)});
  setup.row({"plan", plan_line(s, r.micro_batches)});
  std::cout << setup.fitted() << "\n";

  TextTable results({"result", "value"});
  results.row({"step time", format_quantity(r.step_time_s, Quantity::time_s) +
                                 (r.memory.fits() ? "" : " (if it fitted)")});
  results.row({"tokens/s", thousands(r.tokens_per_s)});
  results.row({"MFU", fmt::format("{:.1f} %", 100 * r.mfu)});
  results.row({"HFU", fmt::format("{:.1f} %", 100 * r.hfu)});
  const auto& m = r.memory;
  results.row({"peak memory", fmt::format("{:.1f} / {:.1f} GiB, {}", m.peak_bytes() / kGiB,
                                             m.capacity_bytes / kGiB,
                                             m.fits() ? models::to_string(m.fit()) : "DOES NOT FIT")});
  std::cout << results.str();
  if (m.fit() != models::MemoryFit::fits)
    std::cout << paragraph(memory_verdict_line(m, s.cluster.device.name), kLineColumns, 2, 2);
  std::cout << "\n";

  const auto& b = r.breakdown;
  TextTable parts({"where the step time goes (mean over ranks)", "time", "share"});
  const Unit step_unit = unit_for(Quantity::time_s, r.step_time_s);  // the parts read against it
  auto add = [&](const char* name, double v) {
    parts.row({name, in_unit(v, Quantity::time_s, step_unit), percent(v, r.step_time_s)});
  };
  add("compute", b.compute_s);
  add("recompute", b.recompute_s);
  add("optimizer step", b.optimizer_s);
  add("exposed TP/CP/EP communication", b.exposed_tp_s + b.exposed_cp_s + b.exposed_ep_s);
  add("exposed DP communication", b.exposed_dp_s);
  add("pipeline transfers (p2p wait)", b.pp_wait_s);
  add("pipeline bubble", b.bubble_s);
  std::cout << parts.str();
  print_economics(s, r, e);
  if (!s.notes.empty() || !e.assumptions.empty()) {
    std::cout << "\nassumptions\n";
    for (const auto& n : s.notes) std::cout << paragraph(n, kLineColumns, 2, 4);
    for (const auto& n : e.assumptions) std::cout << paragraph(n, kLineColumns, 2, 4);
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
  add_max_memory_option(*cmd, opts->overrides);
  cmd->add_option("--set", opts->overrides, "override a scenario key: --set parallelism.tp=4")
      ->take_all();
  cmd->add_option("--trace", opts->trace, "write the step as a Chrome trace (open it in Perfetto)");
  cmd->callback([opts] {
    const auto scenario = config::load_scenario(opts->scenario, opts->overrides);
    for (const auto& warning : scenario.warnings) std::cerr << warning << "\n";
    if (!opts->trace.empty()) {
      std::ofstream out(opts->trace);
      if (!out) throw config::ConfigError({"command line", 1, 1}, "--trace", "expected a writable file, found '" + opts->trace + "'");
      training::write_trace(scenario, out);
    }
    const auto result = training::simulate_step(scenario);
    const auto economics = study::economics(scenario, result);
    warn_memory(result.memory, "run", scenario.cluster.device.name);
    if (opts->json)
      std::cout << to_json(scenario, result, economics).dump(2) << "\n";
    else
      print_text(scenario, result, economics);
  });
}

}  // namespace dtsim::tools
