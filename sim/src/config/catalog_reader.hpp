#pragma once
// Catalog entries (links, devices, systems) from YAML: the embedded catalog files and the
// `links:`, `devices:` and `systems:` lists a scenario may add.
#include "dtsim/topology/catalog.hpp"
#include "yaml_reader.hpp"

namespace dtsim::config {

struct CatalogReadOptions {
  // Catalog files must give a source for every group of figures; a scenario's own entries
  // default to "defined in <file>".
  bool require_sources = true;
};

// Reads whichever of `links`, `devices` and `systems` the map holds into `catalog`, in that
// order, so that later entries may refer to earlier ones.
void read_catalog_entries(MapReader& map, topology::Catalog& catalog,
                          const CatalogReadOptions& options);

topology::SystemSpec read_system(const Node& n, const topology::Catalog& catalog,
                                 const CatalogReadOptions& options);

// A catalog device with some figures replaced (`cluster.device: {memory: {capacity: 96 GiB}}`):
// the groups and keys of a catalog device entry, all optional; the rest stays as in `base`,
// and the name says which figures changed.
topology::DeviceSpec read_device_override(const Node& n, topology::DeviceSpec base);

// A fabric: the keys given replace those of `base` (a system's default fabric).
topology::FabricSpec read_fabric(const Node& n, topology::FabricSpec base,
                                 const topology::Catalog& catalog, const CatalogReadOptions& options);

// "8x8x16" -> {8, 8, 16}.
std::vector<int> read_shape(const Node& n);

}  // namespace dtsim::config
