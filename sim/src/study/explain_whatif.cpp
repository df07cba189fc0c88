// What would help the step most: the scenario replayed with 10 % more of one hardware figure at
// a time, and the best other plan the search confirms by replay.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <array>

#include "dtsim/sim/study/search.hpp"
#include "dtsim/sim/study/summary.hpp"
#include "explain_parts.hpp"
#include "plan_space.hpp"

namespace dtsim::study {
namespace {

// A copy of link `id` `factor` times as fast, under a new catalog id; returns that id.
std::string faster_link(topology::Catalog& catalog, const std::string& id, double factor) {
  topology::LinkSpec link = *catalog.find_link(id);
  link.id = fmt::format("{}-x{:g}", id, factor);
  link.bw_bytes_per_s *= factor;
  catalog.put(link);
  return link.id;
}

bool has_network(const config::Scenario& s) {
  const bool torus = s.cluster.system.scale_up.kind == topology::ScaleUpKind::torus;
  return !s.cluster.system.scale_out.link.empty() && (torus ? s.cluster.slices > 1 : s.cluster.nodes > 1);
}

}  // namespace

std::optional<config::Scenario> with_more(const config::Scenario& s, Resource r, double factor) {
  config::Scenario out = s;
  auto& device = out.cluster.device;
  auto& system = out.cluster.system;
  switch (r) {
    case Resource::matrix_flops: {
      // The matrix units' peaks; FP32 is the vector rate too, so it moves only where it is the
      // matrix rate of an FP32 step (no TF32).
      auto& pk = device.peak_flops_per_s;
      for (auto* v : {&pk.tf32, &pk.bf16, &pk.fp16, &pk.fp8, &pk.int8, &pk.fp4})
        if (*v) **v *= factor;
      if (!pk.tf32 && pk.fp32 && s.training.precision == models::Precision::fp32) *pk.fp32 *= factor;
      return out;
    }
    case Resource::hbm_bandwidth:
      device.mem_bw_bytes_per_s *= factor;
      return out;
    case Resource::scale_up_bandwidth: {
      auto& up = system.scale_up;
      std::string& id = up.link.empty() ? up.pcie_link : up.link;
      if (id.empty() || !out.catalog.find_link(id)) return std::nullopt;
      const std::string old = id;
      id = faster_link(out.catalog, old, factor);
      if (device.scale_up_link == old) device.scale_up_link = id;
      return out;
    }
    case Resource::scale_out_bandwidth: {
      if (!has_network(s)) return std::nullopt;
      system.scale_out.link = faster_link(out.catalog, system.scale_out.link, factor);
      // Switch-to-switch links: the NIC's own kind unless the fabric names another.
      if (!out.cluster.fabric.link.empty())
        out.cluster.fabric.link = faster_link(out.catalog, out.cluster.fabric.link, factor);
      return out;
    }
  }
  return std::nullopt;
}

namespace detail {
namespace {

struct Figure {
  Resource resource;
  const char* key;
  const char* name;
};

constexpr std::array<Figure, 4> kFigures = {{
    {Resource::matrix_flops, "matrix_flops", "matrix FLOP/s"},
    {Resource::hbm_bandwidth, "hbm_bandwidth", "HBM bandwidth"},
    {Resource::scale_up_bandwidth, "scale_up_bandwidth", "scale-up link bandwidth"},
    {Resource::scale_out_bandwidth, "scale_out_bandwidth", "scale-out network bandwidth"},
}};

std::string link_detail(const config::Scenario& s, const std::string& id, double factor, const char* per) {
  const auto* l = s.catalog.find_link(id);
  if (!l) return "";
  return fmt::format("{}: {} -> {} per {}", l->name, quantity(l->bw_bytes_per_s, "B/s"),
                     quantity(l->bw_bytes_per_s * factor, "B/s"), per);
}

// The figure before and after, as a reader checks it against a datasheet.
std::string detail_of(const config::Scenario& s, Resource r, double factor, double peak) {
  const auto& up = s.cluster.system.scale_up;
  switch (r) {
    case Resource::matrix_flops:
      return fmt::format("{} peak {} -> {}", models::to_string(s.training.precision), quantity(peak, "FLOP/s"),
                         quantity(peak * factor, "FLOP/s"));
    case Resource::hbm_bandwidth:
      return fmt::format("{} -> {}", quantity(s.cluster.device.mem_bw_bytes_per_s, "B/s"),
                         quantity(s.cluster.device.mem_bw_bytes_per_s * factor, "B/s"));
    case Resource::scale_up_bandwidth: return link_detail(s, up.link.empty() ? up.pcie_link : up.link, factor, "link");
    case Resource::scale_out_bandwidth: return link_detail(s, s.cluster.system.scale_out.link, factor, "NIC port");
  }
  return "";
}

}  // namespace

std::vector<Change> sensitivity(const config::Scenario& s, const training::StepResult& step, double factor) {
  std::vector<Change> out;
  std::vector<std::optional<config::Scenario>> changed;
  for (const auto& f : kFigures) {
    changed.push_back(with_more(s, f.resource, factor));
    Change c{f.key, fmt::format("{:+.0f} % {}", 100 * (factor - 1), f.name),
             detail_of(s, f.resource, factor, step.peak_flops_per_s), changed.back().has_value(), 0, 0};
    if (!c.applies) c.detail = "the cluster has none";
    out.push_back(std::move(c));
  }
  tbb::parallel_for(std::size_t{0}, out.size(), [&](std::size_t i) {
    if (!changed[i]) return;
    out[i].step_time_s = training::simulate_step(*changed[i]).step_time_s;
    out[i].change = out[i].step_time_s / step.step_time_s - 1;
  });
  return out;
}

std::optional<Change> next_plan(const config::Scenario& s, const training::StepResult& step, int confirm) {
  if (confirm <= 0) return std::nullopt;
  config::Scenario limited = s;
  limited.search.confirm = confirm;
  const auto result = search(limited);
  for (const auto& p : result.confirmed) {
    if (!p.memory.fits() || p.given || same_plan(p.plan, s.plan)) continue;
    Change c{"plan", "plan " + plan_text(p.plan), "", true, p.simulated.step_time_s,
             p.simulated.step_time_s / step.step_time_s - 1};
    c.detail = c.change < 0 ? "the fastest plan the search confirms; the scenario's own spends " +
                                  slower_because(step, p.simulated)
                            : "the best plan besides the scenario's own, which spends " + slower_because(p.simulated, step);
    return c;
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace dtsim::study
