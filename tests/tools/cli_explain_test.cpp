// `dtsim explain` as a user meets it: the bound and the most helpful change on its last lines,
// the same content as JSON, and bad input with FILE:LINE:COL.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli_run.hpp"

namespace {

CliOutcome cli(const std::string& args, bool with_stderr = false) { return dtsim_cli(args, with_stderr); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("explain names what bounds the step and the single most helpful change, with numbers",
          "[cli][explain]") {
  const auto o = cli("explain scenarios/quickstart.yaml");
  REQUIRE(o.status == 0);
  const auto lines = lines_of(o.out);
  REQUIRE(lines.size() > 2);
  // The last two lines: "bound: compute (74.4 % of the step, ...)" and
  // "most help: <change>: 7.951 s -> 6.229 s, -21.7 % step time".
  CHECK(std::regex_search(lines[lines.size() - 2], std::regex(R"(^bound: [a-zA-Z/ ]+ \([0-9.]+ % of the step)")));
  CHECK(std::regex_search(lines.back(), std::regex(R"(^most help: .+: [0-9.]+ s -> [0-9.]+ s, -[0-9.]+ % step time$)")));
  // Every section the walk-through promises, within a terminal's width.
  for (const char* title : {"FLOPs per step", "memory per accelerator, pipeline stage", "communication: tensor parallelism",
                            "communication: pipeline parallelism", "communication: data parallelism", "pipeline bubble",
                            "what would help"}) {
    INFO(title);
    CHECK(o.out.find(title) != std::string::npos);
  }
  for (const auto& line : lines) {
    INFO(line);
    CHECK(line.size() <= 100);
  }
}

TEST_CASE("explain --json carries the same content, and most help is the largest reduction", "[cli][explain]") {
  const auto o = cli("explain scenarios/quickstart.yaml --json --no-search");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  CHECK(j["sections"].size() >= 6);
  CHECK(j["bound"]["share"].get<double>() > 0);
  REQUIRE(j["sensitivity"].size() == 4);
  double best = 0;
  for (const auto& c : j["sensitivity"])
    if (c["applies"].get<bool>()) best = std::min(best, c["change"].get<double>());
  REQUIRE(j["most_help"].is_object());
  CHECK(j["most_help"]["change"].get<double>() == best);
  CHECK(j["next_plan"].is_null());  // --no-search
}

TEST_CASE("explain of a bad file exits 2 with FILE:LINE:COL", "[cli][explain]") {
  const auto o = cli("explain tests/sim/config/bad/typo_key.yaml", true);
  CHECK(o.status == 2);
  CHECK(o.out.find("tests/sim/config/bad/typo_key.yaml:4:3: error: parallelism.tpp:") != std::string::npos);
  CHECK(cli("explain no/such/file.yaml").status == 2);
}

TEST_CASE("explain --variant explains one of the file's variants", "[cli][explain]") {
  // Lesson 6's variants split Llama 3 8B's 64k-token sequences 1 to 16 ways; TP1 CP8 puts all
  // eight GPUs of the node in one context-parallel group, so its gradients reduce over d x cp = 8.
  const auto o = cli("explain scenarios/tutorial/06-context-parallel.yaml --no-search --variant 'TP1 CP8'");
  REQUIRE(o.status == 0);
  CHECK(o.out.find("communication: data parallelism (8 ranks: dp 1 x cp 8") != std::string::npos);
  const auto bad = cli("explain scenarios/tutorial/06-context-parallel.yaml --variant 'TP3'", true);
  CHECK(bad.status == 2);
  CHECK(bad.out.find("its variants: TP8 CP1, TP4 CP2") != std::string::npos);
}
