#pragma once
// The parallel plan as written, and the checks that turn it into a plan that can exist.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"
#include "yaml_reader.hpp"

namespace dtsim::config {

struct PlanInput {
  explicit PlanInput(Node n) : node(std::move(n)) {}
  Node node;                           // the `parallelism` mapping
  std::map<std::string, Node> given;   // each key the file set, to point errors at it
  std::optional<int> tp, pp, dp, cp, ep, vpp, micro_batch, zero, zero_shard;
  std::optional<models::Schedule> schedule;
  std::optional<bool> sequence_parallel;
  std::optional<models::Recompute> recompute;
  std::vector<int> layers;             // explicit layers per chunk, if given

  // The node of `key` if the file set it, else the `parallelism` mapping.
  const Node& at(const std::string& key) const {
    auto it = given.find(key);
    return it == given.end() ? node : it->second;
  }
};

// Fills scenario.plan from `in`, deriving dp and applying defaults (each recorded in
// scenario.notes). Throws ConfigError naming the numbers that disagree when the plan is
// impossible: tp*pp*dp*cp != accelerators, heads % tp != 0, fewer layers than pipeline chunks,
// a global batch that micro_batch*dp does not divide.
void check_plan(const PlanInput& in, Scenario& scenario);

// A doubtful but possible choice at `at`: added to scenario.warnings as
// "FILE:LINE:COL: warning: key: message" and to scenario.notes as "warning: message".
void warn(const Node& at, const std::string& message, Scenario& scenario);

}  // namespace dtsim::config
