#include "model_timing.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "dtsim/models/compute.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

models::DeviceCompute find_device(const std::string& id) {
  const auto catalog = config::builtin_catalog();
  const auto* d = catalog.find_device(id);
  if (!d)
    throw CLI::ValidationError(
        "--device", "no device '" + id + "' in the catalog; `dtsim catalog devices` lists them");
  return training::device_compute(*d);
}

struct OpTiming {
  const models::Operator* op;
  double forward_s = 0, backward_s = 0;
  double executed_flops = 0;  // forward and both backward passes
  bool memory_bound = false;  // the forward pass is limited by HBM bandwidth
};

std::vector<OpTiming> time_layer(const std::vector<models::Operator>& ops,
                                 const models::DeviceCompute& d) {
  using models::Pass;
  std::vector<OpTiming> out;
  for (const auto& op : ops) {
    OpTiming t{&op};
    t.forward_s = models::op_time_s(op, Pass::forward, d);
    t.backward_s = models::op_time_s(op, Pass::backward_input, d) +
                   models::op_time_s(op, Pass::backward_weight, d);
    t.executed_flops = op.forward.executed_flops + op.backward_input.executed_flops +
                       op.backward_weight.executed_flops;
    const double flop_time = t.forward_s - d.launch_overhead_s;
    t.memory_bound =
        op.forward.bytes > 0 &&
        op.forward.bytes / (d.hbm_bytes_per_s * d.hbm_efficiency) >= flop_time * (1 - 1e-9);
    out.push_back(t);
  }
  return out;
}

double tflops(double flops, double seconds) {
  return seconds > 0 ? flops / seconds / 1e12 : 0;
}

}  // namespace

void print_layer_timing(const models::ModelSpec& model, const TimingRequest& r) {
  const auto device = find_device(r.device);
  const auto ops = models::layer_operators(model, r.shard, 0);
  const auto timings = time_layer(ops, device);
  double total = 0;
  for (const auto& t : timings) total += t.forward_s + t.backward_s;
  std::cout << fmt::format(
      "\none layer on one {} (TP{} CP{}, SP {}, micro-batch {} x {} tokens, {}), forward and "
      "backward\n",
      device.name, r.shard.tp, r.shard.cp, r.shard.sequence_parallel ? "on" : "off",
      r.shard.micro_batch, r.shard.seq_len, models::to_string(r.shard.precision));
  TextTable t({"operator", "forward (us)", "backward (us)", "TFLOP/s", "bound", "share"});
  for (const auto& x : timings) {
    const double s = x.forward_s + x.backward_s;
    t.row({x.op->name, fmt::format("{:.1f}", 1e6 * x.forward_s),
           fmt::format("{:.1f}", 1e6 * x.backward_s),
           x.executed_flops > 0 ? fmt::format("{:.0f}", tflops(x.executed_flops, s)) : "",
           x.memory_bound ? "memory" : "compute", fmt::format("{:.1f} %", 100 * s / total)});
  }
  t.row({"layer", "", "", "", "", fmt::format("{:.3f} ms", 1e3 * total)});
  std::cout << t.str();
}

Json layer_timing_json(const models::ModelSpec& model, const TimingRequest& r) {
  const auto device = find_device(r.device);
  const auto ops = models::layer_operators(model, r.shard, 0);
  Json list = Json::array();
  for (const auto& x : time_layer(ops, device))
    list.push_back({{"name", x.op->name},
                    {"forward_s", x.forward_s},
                    {"backward_s", x.backward_s},
                    {"executed_flops", x.executed_flops},
                    {"bound", x.memory_bound ? "memory" : "compute"}});
  return {{"device", r.device},
          {"tp", r.shard.tp},
          {"cp", r.shard.cp},
          {"sequence_parallel", r.shard.sequence_parallel},
          {"micro_batch", r.shard.micro_batch},
          {"seq_len", r.shard.seq_len},
          {"precision", models::to_string(r.shard.precision)},
          {"operators", list}};
}

}  // namespace dtsim::tools
