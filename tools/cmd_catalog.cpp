// dtsim catalog devices|systems|links [--json]: the presets with their key figures and sources.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

std::string tflops(const std::optional<double>& v) {
  return v ? fmt::format("{:.1f}", *v / 1e12) : "-";
}

void list_devices(const topology::Catalog& c, bool json) {
  if (json) {
    Json all = Json::array();
    for (const auto& [id, d] : c.devices()) {
      Json peak;
      const auto& p = d.peak_flops_per_s;
      for (auto [name, v] : {std::pair{"fp32", p.fp32}, {"tf32", p.tf32}, {"bf16", p.bf16},
                             {"fp16", p.fp16}, {"fp8", p.fp8}, {"int8", p.int8}, {"fp4", p.fp4}})
        if (v) peak[name] = *v;
      all.push_back({{"id", id}, {"name", d.name}, {"vendor", d.vendor}, {"aliases", d.aliases},
                     {"peak_flops_per_s", peak}, {"peak_source", d.peak_source},
                     {"memory_bytes", d.mem_capacity_bytes}, {"memory_bytes_per_s", d.mem_bw_bytes_per_s},
                     {"memory_source", d.memory_source}, {"compute_units", d.compute_units},
                     {"gemm_efficiency", d.gemm_efficiency}, {"hbm_efficiency", d.hbm_efficiency},
                     {"efficiency_source", d.efficiency_source},
                     {"tdp_w", d.tdp_w ? Json(*d.tdp_w) : Json()},
                     {"price_usd", d.price_usd ? Json(*d.price_usd) : Json()},
                     {"rent_usd_per_hour", d.rent_usd_per_hour ? Json(*d.rent_usd_per_hour) : Json()},
                     {"price_source", d.price_source}});
    }
    std::cout << all.dump(2) << "\n";
    return;
  }
  TextTable t({"device", "name", "bf16 TF", "fp8 TF", "memory GB", "TB/s", "TDP W", "price USD",
               "peak source"});
  for (const auto& [id, d] : c.devices())
    t.row({id, d.name, tflops(d.peak_flops_per_s.bf16), tflops(d.peak_flops_per_s.fp8),
           fmt::format("{:.0f}", d.mem_capacity_bytes / 1e9), fmt::format("{:.2f}", d.mem_bw_bytes_per_s / 1e12),
           d.tdp_w ? fmt::format("{:.0f}", *d.tdp_w) : "-", d.price_usd ? thousands(*d.price_usd) : "-",
           d.peak_source.substr(0, 60)});
  std::cout << t.str();
}

void list_systems(const topology::Catalog& c, bool json) {
  auto scale_up = [&](const topology::SystemSpec& s) {
    const auto* l = c.find_link(s.scale_up.link);
    return l ? s.scale_up.links_per_accelerator * l->bw_bytes_per_s : 0.0;
  };
  auto scale_out = [&](const topology::SystemSpec& s) {
    const auto* l = c.find_link(s.scale_out.link);
    return l ? s.scale_out.nics_per_node * l->bw_bytes_per_s : 0.0;
  };
  if (json) {
    Json all = Json::array();
    for (const auto& [id, s] : c.systems())
      all.push_back({{"id", id}, {"name", s.name}, {"device", s.device},
                     {"accelerators_per_node", s.accelerators_per_node},
                     {"scale_up", topology::to_string(s.scale_up.kind)},
                     {"scale_up_bytes_per_s_per_accelerator", scale_up(s)},
                     {"scale_up_source", s.scale_up.source},
                     {"scale_out_bytes_per_s_per_node", scale_out(s)},
                     {"scale_out_source", s.scale_out.source},
                     {"fabric", topology::to_string(s.fabric.kind)}, {"fabric_source", s.fabric.source}});
    std::cout << all.dump(2) << "\n";
    return;
  }
  TextTable t({"system", "name", "device", "per node", "scale-up", "GB/s/acc", "scale-out GB/s/node",
               "fabric"});
  for (const auto& [id, s] : c.systems())
    t.row({id, s.name, s.device, std::to_string(s.accelerators_per_node),
           topology::to_string(s.scale_up.kind), fmt::format("{:.0f}", scale_up(s) / 1e9),
           fmt::format("{:.0f}", scale_out(s) / 1e9), topology::to_string(s.fabric.kind)});
  std::cout << t.str();
}

void list_links(const topology::Catalog& c, bool json) {
  if (json) {
    Json all = Json::array();
    for (const auto& [id, l] : c.links())
      all.push_back({{"id", id}, {"name", l.name}, {"bytes_per_s_per_direction", l.bw_bytes_per_s},
                     {"efficiency", l.efficiency}, {"latency_s", l.latency_s}, {"source", l.source}});
    std::cout << all.dump(2) << "\n";
    return;
  }
  TextTable t({"link", "name", "GB/s per dir", "efficiency", "latency us"});
  for (const auto& [id, l] : c.links())
    t.row({id, l.name, fmt::format("{:.4g}", l.bw_bytes_per_s / 1e9), fmt::format("{:.3f}", l.efficiency),
           fmt::format("{:.2f}", l.latency_s * 1e6)});
  std::cout << t.str();
}

}  // namespace

void add_catalog_command(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("catalog", "list the hardware presets with their figures and sources");
  cmd->require_subcommand(1);
  auto add = [&](const char* name, const char* help, void (*list)(const topology::Catalog&, bool)) {
    auto* sub = cmd->add_subcommand(name, help);
    sub->add_flag("--json", *json, "print JSON with every figure and its source");
    sub->callback([json, list] { list(config::builtin_catalog(), *json); });
  };
  add("devices", "accelerators: dense peaks, memory, power, price", list_devices);
  add("systems", "nodes and racks: scale-up, scale-out, default fabric", list_systems);
  add("links", "link kinds: bandwidth, efficiency, latency", list_links);
}

}  // namespace dtsim::tools
