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
