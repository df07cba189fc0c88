#include "dtsim/sim/config/suggest.hpp"

#include <catch2/catch.hpp>

#include "dtsim/sim/config/error.hpp"

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

TEST_CASE("edit distance keeps three rows: long strings cost no quadratic memory", "[config]") {
  // 5,000 against 5,000 characters would take 100 MB as a full table; the distance of two
  // strings that differ in every character is their length (n substitutions).
  const std::string a(5000, 'a'), b(5000, 'b');
  CHECK(edit_distance(a, b) == 5000);
  CHECK(edit_distance(a, a.substr(0, 4990)) == 10);  // ten deletions
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("no suggestion for a name longer than any valid one, or far longer than a candidate",
          "[config]") {
  const std::vector<std::string> systems{"dgx-h100", "hgx-h800", "tpu-v5p"};
  // A megabyte of 'z': above kMaxSuggestedLength, so nothing is even compared.
  CHECK_FALSE(closest(std::string(1000000, 'z'), systems).has_value());
  // 'dgx-h100' plus 40 characters: the lengths alone differ by more than the limit of 48 / 3.
  CHECK_FALSE(closest("dgx-h100" + std::string(40, 'x'), systems).has_value());
  CHECK(closest("dgx-h10", systems) == "dgx-h100");  // one deletion away
}

TEST_CASE("messages quote at most 60 bytes of the input and say how long it was", "[config]") {
  CHECK(quoted_input("tp") == "'tp'");
  const std::string expected = "'" + std::string(60, 'z') + "...' (1000000 bytes long)";
  CHECK(quoted_input(std::string(1000000, 'z')) == expected);
  // 59 ASCII bytes and a 2-byte 'é' (0xC3 0xA9): the cut falls inside the character, which is
  // left out whole rather than split.
  const std::string accented = std::string(59, 'a') + "\xC3\xA9" + std::string(10, 'b');
  CHECK(quoted_input(accented) == "'" + std::string(59, 'a') + "...' (71 bytes long)");
}
