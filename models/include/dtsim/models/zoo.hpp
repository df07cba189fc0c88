#pragma once
// Named model presets ("gpt3-175b", "llama3.1-405b"), from the YAML under models/zoo/
// (embedded in the binary) plus whatever a scenario defines.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dtsim/models/transformer.hpp"

namespace dtsim::models {

// The text of the zoo files compiled into the binary: {file name, YAML text}.
std::vector<std::pair<std::string_view, std::string_view>> embedded_zoo_files();

class ModelZoo {
 public:
  void put(ModelSpec model, const std::vector<std::string>& aliases = {});
  const ModelSpec* find(std::string_view id) const;  // by id or alias; nullptr when absent
  const std::map<std::string, ModelSpec>& models() const { return models_; }
  std::vector<std::string> names() const;

 private:
  std::map<std::string, ModelSpec> models_;
  std::map<std::string, std::string> aliases_;
};

}  // namespace dtsim::models
