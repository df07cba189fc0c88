#pragma once
// A scenario after loading: every preset resolved, every default applied and recorded, every
// plan check passed. Plain values; nothing here knows YAML.
#include <optional>
#include <string>
#include <vector>

#include "dtsim/models/parallel_plan.hpp"
#include "dtsim/models/transformer.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/topology/build.hpp"
#include "dtsim/topology/catalog.hpp"

namespace dtsim::config {

struct ClusterSpec {
  topology::SystemSpec system;
  topology::DeviceSpec device;
  int nodes = 0;                   // nodes, racks or TPU hosts
  int accelerators = 0;
  topology::FabricSpec fabric;     // the system's default, changed by `cluster.fabric`
  std::vector<int> torus_shape;    // torus systems: one slice
  int slices = 1;                  // torus systems: slices joined over the data-center network

  topology::ClusterShape shape() const { return {nodes, torus_shape, slices}; }
};

// How the step is executed and simulated, beyond the parallel plan itself.
struct Execution {
  bool tp_comm_overlap = false;       // Transformer Engine userbuffers: TP comm under GEMMs
  bool overlap_grad_reduce = true;    // gradient buckets reduced during the last backward
  bool overlap_param_gather = true;   // ZeRO >= 1: parameter all-gather under the forward
  double bucket_params = 0;           // gradient bucket size; 0: max(40M, 1M x dp) (Megatron)
  bool flash_attention = true;
  enum class Network { flow, analytical, ideal } network = Network::flow;
  bool fold = true;                   // simulate one rank per pipeline stage for its peers
  // simulation.max_memory: what simulating one step may take; 0: the default budget
  // (sim/training/work_estimate.hpp). A refusal points at the key, else at global_batch.
  double max_memory_bytes = 0;
  SourcePos budget_pos;
  std::string budget_key;
};

// What a run costs. Absent figures take the catalog's (prices, power) or the documented
// defaults of sim/study/economics.hpp, which records every default it applies.
struct CostSpec {
  enum class Pricing { rent, buy };
  std::optional<Pricing> pricing;                  // default: rent when the catalog has a rent price
  std::optional<double> rent_usd_per_accelerator_hour;
  std::optional<double> accelerator_price_usd;     // buy: per accelerator
  std::optional<double> node_price_usd;            // buy: per node (system), replaces the above
  std::optional<double> network_usd_per_port;      // buy: per scale-out NIC port, switches included
  std::optional<double> amortization_years;        // buy: the hardware is written off over these
  std::optional<double> utilization;               // buy: busy share of those years, (0, 1]
  std::optional<double> usd_per_kwh;
  std::optional<double> pue;                       // facility power / IT power
  friend bool operator==(const CostSpec&, const CostSpec&) = default;
};

// Interruptions and checkpoints: what turns the ideal time-to-train into the effective one.
struct GoodputSpec {
  bool enabled = true;
  std::optional<double> failures_per_accelerator_day;
  std::optional<double> checkpoint_bytes_per_s;    // storage write bandwidth, whole job
  std::optional<double> checkpoint_interval_s;     // default: Young/Daly optimum
  std::optional<double> restart_s;                 // detect, reschedule, reload, re-warm
  friend bool operator==(const GoodputSpec&, const GoodputSpec&) = default;
};

// One side of a comparison: a name and overrides ("key.path=value", as --set) on the scenario.
struct Variant {
  std::string name;
  std::vector<std::string> overrides;
  friend bool operator==(const Variant&, const Variant&) = default;
};

// One key of a sweep and the values it takes (YAML text each, as --set takes them).
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
  friend bool operator==(const SweepAxis&, const SweepAxis&) = default;
};

// `search:`: how many plans to report and confirm, and limits on the space searched (an axis
// per parallelism key: tp, pp, cp, vpp, micro_batch, zero, recompute, sequence_parallel).
struct SearchSpec {
  bool given = false;  // the file has a search block: compare picks each variant's best plan
  int top = 5;
  int confirm = 8;     // best screened plans replayed in full (and the scenario's own); 0: none
  std::vector<SweepAxis> space;
  friend bool operator==(const SearchSpec&, const SearchSpec&) = default;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  models::ModelSpec model;
  models::TrainingSetup training;
  models::ParallelPlan plan;
  ClusterSpec cluster;
  Execution execution;
  CostSpec cost;
  GoodputSpec goodput;
  std::vector<Variant> variants;    // `variants:`, for dtsim compare
  std::vector<SweepAxis> sweep;     // `sweep:`, for dtsim sweep
  SearchSpec search;                // `search:`, for dtsim search and compare
  topology::Catalog catalog;        // built-in presets plus the scenario's own
  std::vector<std::string> notes;   // defaults applied, layer split: printed with the results
  // Doubtful but possible choices, "FILE:LINE:COL: warning: key: message": the tools print them
  // on stderr; each is also among the notes.
  std::vector<std::string> warnings;
};

}  // namespace dtsim::config
