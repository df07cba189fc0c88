#include "dtsim/topology/catalog.hpp"

namespace dtsim::topology {
namespace {

template <class Spec>
const Spec* find_in(const std::map<std::string, Spec>& specs,
                    const std::map<std::string, std::string>& aliases, std::string_view id) {
  if (auto it = specs.find(std::string(id)); it != specs.end()) return &it->second;
  if (auto a = aliases.find(std::string(id)); a != aliases.end()) return &specs.at(a->second);
  return nullptr;
}

template <class Spec>
std::vector<std::string> names_of(const std::map<std::string, Spec>& specs,
                                  const std::map<std::string, std::string>& aliases) {
  std::vector<std::string> names;
  for (const auto& [id, spec] : specs) names.push_back(id);
  for (const auto& [alias, id] : aliases) names.push_back(alias);
  return names;
}

}  // namespace

void Catalog::put(DeviceSpec device) {
  for (const auto& alias : device.aliases) device_alias_[alias] = device.id;
  devices_[device.id] = std::move(device);
}

void Catalog::put(LinkSpec link) { links_[link.id] = std::move(link); }

void Catalog::put(SystemSpec system) {
  for (const auto& alias : system.aliases) system_alias_[alias] = system.id;
  systems_[system.id] = std::move(system);
}

const DeviceSpec* Catalog::find_device(std::string_view id) const {
  return find_in(devices_, device_alias_, id);
}

const LinkSpec* Catalog::find_link(std::string_view id) const {
  auto it = links_.find(std::string(id));
  return it == links_.end() ? nullptr : &it->second;
}

const SystemSpec* Catalog::find_system(std::string_view id) const {
  return find_in(systems_, system_alias_, id);
}

std::vector<std::string> Catalog::device_names() const { return names_of(devices_, device_alias_); }
std::vector<std::string> Catalog::system_names() const { return names_of(systems_, system_alias_); }
std::vector<std::string> Catalog::link_names() const { return names_of(links_, {}); }

}  // namespace dtsim::topology
