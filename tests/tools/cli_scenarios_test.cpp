// Every scenario shipped in scenarios/ (the tutorial's in scenarios/tutorial/ too) runs, and the
// ones with variants compare; the headline
// comparison explains the H800's loss by its NVLink.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"

namespace {

std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  const std::filesystem::path root(DTSIM_SOURCE_DIR);
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "scenarios"))
    if (e.path().extension() == ".yaml") files.push_back(std::filesystem::relative(e.path(), root).string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every shipped scenario runs, and those with variants compare", "[cli][scenarios]") {
  const auto files = scenario_files();
  REQUIRE(files.size() >= 17);  // 8 scenarios and 9 lessons
  for (const auto& f : files) {
    INFO(f);
    CHECK(dtsim_cli("run " + f + " --json").status == 0);
    std::ifstream in(std::string(DTSIM_SOURCE_DIR) + "/" + f);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto compared = dtsim_cli("compare " + f + " --json");
    // A file with variants compares them; one without is told it has none (bad input).
    if (text.find("\nvariants:") == std::string::npos) {
      CHECK(compared.status == 2);
      continue;
    }
    REQUIRE(compared.status == 0);
    CHECK(nlohmann::json::parse(compared.out).size() >= 2);
  }
}

TEST_CASE("the headline: H100 vs H800 vs TPU v5p, each at its best plan, the H800's loss on NVLink",
          "[cli][scenarios]") {
  const auto o = dtsim_cli("compare scenarios/h100-vs-h800-vs-tpu.yaml");
  REQUIRE(o.status == 0);
  for (const char* name : {"GPT-3 H100", "GPT-3 H800", "GPT-3 TPU v5p", "Llama 3 70B H100", "Llama 3 70B H800",
                           "Llama 3 70B TPU v5p"})
    CHECK(o.out.find(name) != std::string::npos);
  // The H800's NVLink is 200 GB/s per direction against the H100's 450 (hardware.md 3) ...
  CHECK(o.out.find("scale-up 200 GB/s") != std::string::npos);
  CHECK(o.out.find("scale-up 450 GB/s") != std::string::npos);
  // ... and at the H100's plan (its own, when both choose the same), what grows is the
  // tensor-parallel communication it carries: on the H800's line, not a later one.
  const auto line = o.out.find("GPT-3 H800 vs GPT-3 H100: step +");
  REQUIRE(line != std::string::npos);
  const auto end = o.out.find('\n', line);
  const auto at_plan = o.out.find("at GPT-3 H100's plan", line);
  const auto from = at_plan < end ? at_plan : line;
  CHECK(o.out.find("exposed TP/CP/EP communication", from) < end);
  // Each variant chose its plan by search.
  CHECK(o.out.find("fastest of") != std::string::npos);
}
