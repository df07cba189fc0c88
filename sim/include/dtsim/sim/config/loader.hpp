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

}  // namespace dtsim::config
