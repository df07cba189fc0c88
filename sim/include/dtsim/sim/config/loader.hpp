#pragma once
// Loading: YAML files -> typed, validated values. The only part of dtsim that reads YAML.
#include <string>
#include <vector>

#include "dtsim/models/zoo.hpp"
#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/topology/catalog.hpp"

namespace dtsim::config {

// The catalog and zoo compiled into the binary. Errors in them are ConfigErrors naming the
// embedded file, and are caught by the tests.
topology::Catalog builtin_catalog();
models::ModelZoo builtin_zoo();

// Reads a scenario file, applies "key.path=value" overrides, resolves presets and checks the
// plan. Throws ConfigError on any bad input.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

// One of the `variants:` of the scenario in `path`: the file with the variant's `set:` applied
// (its values keep their lines in the file, for errors), then `overrides` from the command
// line, which win over the variant's own for the same key; a note names each variant key one
// replaced. Errors say which variant they are in.
Scenario load_variant(const std::string& path, const std::vector<std::string>& overrides,
                      const Variant& variant);

// A cluster given on the command line (`dtsim topology dgx-h100 --nodes 4`), checked like a
// scenario's `cluster:` section; `label` names it in errors.
struct ClusterRequest {
  std::string system;
  int nodes = 0;           // 0: not given
  std::string shape;       // "8x8x16"; empty: not given
  int slices = 0;          // 0: not given
};
ClusterSpec load_cluster(const ClusterRequest& request, const topology::Catalog& catalog);

// The cluster graph of a loaded scenario.
topology::Cluster build_cluster(const Scenario& scenario);

}  // namespace dtsim::config
