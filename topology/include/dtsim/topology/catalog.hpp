#pragma once
// The hardware catalog: devices, links and systems by id. Built from the YAML files under
// topology/catalog/ (embedded in the binary) plus whatever a scenario adds or overrides.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dtsim/topology/device.hpp"
#include "dtsim/topology/link.hpp"
#include "dtsim/topology/system.hpp"

namespace dtsim::topology {

// The text of the catalog files compiled into the binary: {file name, YAML text}.
std::vector<std::pair<std::string_view, std::string_view>> embedded_catalog_files();

class Catalog {
 public:
  // Adds or replaces an entry (a scenario may override a preset of the same id).
  void put(DeviceSpec device);
  void put(LinkSpec link);
  void put(SystemSpec system);

  // Lookups by id or alias; nullptr when absent.
  const DeviceSpec* find_device(std::string_view id) const;
  const LinkSpec* find_link(std::string_view id) const;
  const SystemSpec* find_system(std::string_view id) const;

  const std::map<std::string, DeviceSpec>& devices() const { return devices_; }
  const std::map<std::string, LinkSpec>& links() const { return links_; }
  const std::map<std::string, SystemSpec>& systems() const { return systems_; }

  // Every id and alias of a kind, for did-you-mean suggestions.
  std::vector<std::string> device_names() const;
  std::vector<std::string> system_names() const;
  std::vector<std::string> link_names() const;

 private:
  std::map<std::string, DeviceSpec> devices_;
  std::map<std::string, LinkSpec> links_;
  std::map<std::string, SystemSpec> systems_;
  std::map<std::string, std::string> device_alias_;
  std::map<std::string, std::string> system_alias_;
};

}  // namespace dtsim::topology
