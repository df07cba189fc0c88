#include "dtsim/models/zoo.hpp"

namespace dtsim::models {

void ModelZoo::put(ModelSpec model, const std::vector<std::string>& aliases) {
  for (const auto& alias : aliases) aliases_[alias] = model.id;
  models_[model.id] = std::move(model);
}

const ModelSpec* ModelZoo::find(std::string_view id) const {
  if (auto it = models_.find(std::string(id)); it != models_.end()) return &it->second;
  if (auto a = aliases_.find(std::string(id)); a != aliases_.end()) return &models_.at(a->second);
  return nullptr;
}

std::vector<std::string> ModelZoo::names() const {
  std::vector<std::string> out;
  for (const auto& [id, m] : models_) out.push_back(id);
  for (const auto& [alias, id] : aliases_) out.push_back(alias);
  return out;
}

}  // namespace dtsim::models
