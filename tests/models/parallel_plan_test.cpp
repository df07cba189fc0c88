#include "dtsim/models/parallel_plan.hpp"

#include <catch2/catch.hpp>
#include <numeric>

using dtsim::models::split_layers;

TEST_CASE("layers split evenly when they divide", "[models][plan]") {
  CHECK(split_layers(96, 8) == std::vector<int>(8, 12));
}

TEST_CASE("Llama 3.1 405B: 126 layers on 16 stages, the ends get 7", "[models][plan]") {
  const auto split = split_layers(126, 16);
  REQUIRE(split.size() == 16);
  CHECK(std::accumulate(split.begin(), split.end(), 0) == 126);
  CHECK(split.front() == 7);
  CHECK(split.back() == 7);
  CHECK(std::count(split.begin(), split.end(), 8) == 14);
}

TEST_CASE("an odd shortfall puts the extra small chunk at the front", "[models][plan]") {
  // 10 layers on 4 chunks: 2 chunks of 3 and 2 of 2; 11 on 4: one of 2, three of 3.
  CHECK(split_layers(10, 4) == std::vector<int>{2, 3, 3, 2});
  CHECK(split_layers(11, 4) == std::vector<int>{2, 3, 3, 3});
}
