// The harnesses' input format (tests/fuzz/fuzz_input.hpp), tested in the ordinary suite so a
// change to it is caught without a fuzzing build.
#include "fuzz/fuzz_input.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace {

dtsim::fuzz::FuzzInput split(const std::string& text) {
  return dtsim::fuzz::split_input(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

}  // namespace

TEST_CASE("fuzz input: each line starting with '#set ' is an override, the first four only",
          "[fuzz]") {
  // Six override lines; the indented one is an ordinary YAML comment, not at a line's start.
  const std::string text =
      "model: gpt3-125m\n#set parallelism.tp=2\n  #set ignored=1\n#set cluster.nodes=[1, 2]\n"
      "#set a=1\n#set b=2\n#set c=3\n";
  const auto in = split(text);
  CHECK(in.document == text);  // the whole input stays the document: YAML skips the comments
  REQUIRE(in.overrides.size() == dtsim::fuzz::kMaxOverrides);
  CHECK(in.overrides[0] == "parallelism.tp=2");
  CHECK(in.overrides[1] == "cluster.nodes=[1, 2]");
  CHECK(in.overrides[2] == "a=1");
  CHECK(in.overrides[3] == "b=2");
}

TEST_CASE("fuzz input: a document without override lines, and an empty one", "[fuzz]") {
  CHECK(split("model: gpt3-125m\n").overrides.empty());
  CHECK(split("").document.empty());
  CHECK(split("#set").overrides.empty());  // the prefix is "#set " with its space
}

TEST_CASE("fuzz input: the scratch file holds exactly the last document written", "[fuzz]") {
  dtsim::fuzz::write_scratch("a much longer first document\n");
  const std::string second = std::string("k: v\0z", 6);  // a NUL byte survives too
  const std::string& path = dtsim::fuzz::write_scratch(second);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream read;
  read << in.rdbuf();
  CHECK(read.str() == second);
}
