#pragma once
// Internal: a scenario from an already parsed document (a file, or one assembled from a
// validation case's nodes).
#include "dtsim/sim/config/scenario.hpp"
#include "yaml_reader.hpp"

namespace dtsim::config {

Scenario scenario_from(const Document& doc, const std::string& path);

}  // namespace dtsim::config
