#include "config/suggest.hpp"

#include <catch2/catch.hpp>

using namespace dtsim::config;

TEST_CASE("edit distance counts insertions, deletions, substitutions, transpositions", "[config]") {
  CHECK(edit_distance("tp", "tp") == 0);
  CHECK(edit_distance("tpp", "tp") == 1);
  CHECK(edit_distance("global_bach", "global_batch") == 1);
  CHECK(edit_distance("pt", "tp") == 1);  // transposition
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("did-you-mean prefers the candidate sharing the longer prefix", "[config]") {
  const std::vector<std::string> keys{"tp", "pp", "dp", "cp", "ep", "vpp", "micro_batch"};
  CHECK(closest("tpp", keys) == "tp");  // "pp" is as close, but "tp" shares the prefix
  CHECK(closest("micro_bach", keys) == "micro_batch");
  CHECK_FALSE(closest("completely_different", keys).has_value());
}
