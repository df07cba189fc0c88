#pragma once
// A scenario after loading: every preset resolved, every default applied and recorded, every
// plan check passed. Plain values; nothing here knows YAML.
#include <string>
#include <vector>

#include "dtsim/models/parallel_plan.hpp"
#include "dtsim/models/transformer.hpp"
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
  topology::Catalog catalog;        // built-in presets plus the scenario's own
  std::vector<std::string> notes;   // defaults applied, layer split: printed with the results
};

}  // namespace dtsim::config
