// The tutorial (docs/tutorial.md): every lesson's scenario has its picture beside it, listed in
// scenarios/tutorial/pictures.txt, and each committed picture is exactly what dtsim draws now, so the
// pictures cannot drift from the model (`make pictures` redraws them).
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cli_run.hpp"
#include "temp_file.hpp"

namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Picture {
  std::string scenario, chart, variant;
  std::string name() const { return std::filesystem::path(scenario).stem().string(); }
};

std::vector<Picture> pictures() {
  std::istringstream in(read(std::filesystem::path(DTSIM_SOURCE_DIR) / "scenarios/tutorial/pictures.txt"));
  std::vector<Picture> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    Picture p;
    words >> p.scenario >> p.chart >> p.variant;
    out.push_back(p);
  }
  return out;
}

}  // namespace

TEST_CASE("tutorial: every lesson has its picture, and the doc shows each", "[cli][tutorial]") {
  const std::filesystem::path root(DTSIM_SOURCE_DIR);
  std::set<std::string> listed;
  for (const auto& p : pictures()) listed.insert(p.scenario);
  std::set<std::string> lessons;
  for (const auto& e : std::filesystem::directory_iterator(root / "scenarios/tutorial"))
    if (e.path().extension() == ".yaml") lessons.insert("scenarios/tutorial/" + e.path().filename().string());
  CHECK(lessons.size() >= 9);
  CHECK(listed == lessons);
  const std::string doc = read(root / "docs/tutorial.md");
  for (const auto& p : pictures()) {
    INFO(p.scenario);
    CHECK(doc.find("![" + p.name() + "](../scenarios/tutorial/" + p.name() + ".svg)") != std::string::npos);
    CHECK(doc.find(p.scenario) != std::string::npos);  // the lesson gives its command
  }
}

TEST_CASE("tutorial: each committed picture is what dtsim draws now", "[cli][tutorial]") {
  const std::filesystem::path root(DTSIM_SOURCE_DIR);
  for (const auto& p : pictures()) {
    INFO(p.scenario << ": redraw with `make pictures` if the model changed on purpose");
    const std::string out = dtsim::test::temp_path(p.name() + ".svg");
    std::string args = "report " + p.scenario + " --chart " + p.chart + " -o " + out;
    if (!p.variant.empty()) args += " --variant '" + p.variant + "'";
    REQUIRE(dtsim_cli(args).status == 0);
    CHECK(read(out) == read(root / "scenarios/tutorial" / (p.name() + ".svg")));
  }
}
