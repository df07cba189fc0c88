#pragma once
// A model from the built-in zoo, for tests; fails the test when the id is unknown.
#include <catch2/catch.hpp>
#include <string>

#include "dtsim/sim/config/loader.hpp"

namespace dtsim::test {

inline models::ModelSpec zoo_model(const std::string& id) {
  static const auto zoo = config::builtin_zoo();
  const auto* m = zoo.find(id);
  INFO(id);
  REQUIRE(m != nullptr);
  return *m;
}

}  // namespace dtsim::test
