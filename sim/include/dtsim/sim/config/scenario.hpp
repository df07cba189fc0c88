#pragma once
// A scenario after loading: every preset resolved, every default applied and recorded, every
// plan check passed. Plain values; nothing here knows YAML.
#include <string>
#include <vector>

#include "dtsim/models/parallel_plan.hpp"
#include "dtsim/models/transformer.hpp"
#include "dtsim/topology/catalog.hpp"

namespace dtsim::config {

struct ClusterSpec {
  topology::SystemSpec system;
  topology::DeviceSpec device;
  int nodes = 0;
  int accelerators = 0;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  models::ModelSpec model;
  models::TrainingSetup training;
  models::ParallelPlan plan;
  ClusterSpec cluster;
  topology::Catalog catalog;        // built-in presets plus the scenario's own
  std::vector<std::string> notes;   // defaults applied, layer split: printed with the results
};

}  // namespace dtsim::config
