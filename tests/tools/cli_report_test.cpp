// dtsim report: a self-contained HTML page (or one chart as SVG) that headless Chromium renders
// with every chart drawn and nothing fetched. Chromium is installed by `make test`
// (tools/install-deps.sh --test); the screenshot is left in the build directory.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "cli_run.hpp"
#include "temp_file.hpp"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int shell(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::string chromium(const std::string& args) {
  const std::string profile = dtsim::test::temp_path("chromium-profile");
  return "timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
         "--disable-background-networking --disable-component-update --hide-scrollbars --user-data-dir=" +
         profile + " " + args + " 2>/dev/null";
}

// The page with the test's scripts: a listener for what its policy blocks, in the head, and
// tests/tools/data/render_check.js at the end. The policy is the report's, plus inline scripts.
std::string checked_copy(const std::string& html, const std::string& policy) {
  std::string page = html;
  const auto at = page.find(policy);
  REQUIRE(at != std::string::npos);
  page.replace(at, policy.size(), policy + "; script-src 'unsafe-inline'");
  const std::string listener =
      "<script>window.blocked=[];document.addEventListener('securitypolicyviolation',"
      "e=>window.blocked.push(e.blockedURI));</script>";
  page.insert(page.find("</head>"), listener);
  const std::string check = read(std::string(DTSIM_SOURCE_DIR) + "/tests/tools/data/render_check.js");
  page.insert(page.rfind("</body>"), "<script>" + check + "</script>");
  return page;
}

// What render_check.js wrote: one line per chart (figure id -> the rest), "fetched", "blocked".
std::map<std::string, std::string> rendered(const std::string& page_path) {
  const std::string dom_path = dtsim::test::temp_path("dom.html");
  REQUIRE(shell(chromium("--virtual-time-budget=120000 --dump-dom file://" + page_path) + " > " + dom_path) == 0);
  const std::string dom = read(dom_path);
  const std::string open = "<pre id=\"render-check\">";
  const auto at = dom.rfind(open);
  REQUIRE(at != std::string::npos);
  std::istringstream lines(dom.substr(at + open.size(), dom.find("</pre>", at) - at - open.size()));
  std::map<std::string, std::string> out;
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

double inked(const std::string& line) {
  std::smatch m;
  REQUIRE(std::regex_search(line, m, std::regex("inked=([0-9.]+)")));
  return std::stod(m[1]);
}

int count_of(const std::string& line, const std::string& what) {
  std::smatch m;
  REQUIRE(std::regex_search(line, m, std::regex(what + "=([0-9]+)")));
  return std::stoi(m[1]);
}

bool shows(const std::string& line, const std::string& colour) {
  std::smatch m;
  if (!std::regex_search(line, m, std::regex("colours=([a-z,]*)"))) return false;
  return ("," + m[1].str() + ",").find("," + colour + ",") != std::string::npos;
}

const std::string kPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

}  // namespace

TEST_CASE("report: the headline comparison renders in headless Chromium, every chart drawn, nothing fetched",
          "[cli][report]") {
  const std::string path = dtsim::test::temp_path("headline.html");
  REQUIRE(dtsim_cli("report scenarios/h100-vs-h800-vs-tpu.yaml -o " + path).status == 0);
  const std::string html = read(path);

  // Self-contained: nothing to fetch, and a policy that forbids fetching anyway.
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(!std::regex_search(html, std::regex(R"((src|href)=)")));
  CHECK(!std::regex_search(html, std::regex(R"(url\((?!#))")));
  CHECK(html.find("content=\"" + kPolicy + "\"") != std::string::npos);

  const std::string page = dtsim::test::write_temp("headline-checked.html", checked_copy(html, kPolicy));
  const auto charts = rendered(page);
  // The six variants (GPT-3 and Llama 3 70B on H100, H800, TPU v5p) side by side, then each.
  REQUIRE(charts.count("compare-breakdown"));
  REQUIRE(charts.count("compare-memory"));
  for (int side = 0; side < 6; ++side) {
    const std::string id = "side-" + std::to_string(side);
    INFO(id);
    for (const char* chart : {"-breakdown", "-timeline", "-memory", "-links"}) {
      REQUIRE(charts.count(id + chart));
      INFO(charts.at(id + chart));
      CHECK(charts.at(id + chart).find("not-drawn") == std::string::npos);
      CHECK(inked(charts.at(id + chart)) > 0.02);  // an empty chart has only its axes: < 1 %
      // Every label inside the chart and clear of the others, in the fonts the browser used.
      CHECK(count_of(charts.at(id + chart), "clipped") == 0);
      CHECK(count_of(charts.at(id + chart), "overlaps") == 0);
    }
    // Compute dominates every step: the breakdown's bar and the timeline's forward and
    // backward blocks; every pipeline has a bubble; the memory bars end at a capacity line.
    CHECK(shows(charts.at(id + "-breakdown"), "blue"));
    CHECK(shows(charts.at(id + "-timeline"), "blue"));
    CHECK(shows(charts.at(id + "-timeline"), "sky"));
    CHECK(shows(charts.at(id + "-timeline"), "hatch"));
    CHECK(shows(charts.at(id + "-memory"), "blue"));
    CHECK(shows(charts.at(id + "-memory"), "vermillion"));
  }
  for (const char* chart : {"compare-breakdown", "compare-memory"}) {
    INFO(charts.at(chart));
    CHECK(count_of(charts.at(chart), "clipped") == 0);
    CHECK(count_of(charts.at(chart), "overlaps") == 0);
  }
  CHECK(charts.at("fetched") == "0");
  CHECK(charts.at("blocked") == "0");

  // The screenshot, for a person to look at: the whole page is tall.
  const std::string shot = std::string(DTSIM_BUILD_DIR) + "/report-headline.png";
  std::filesystem::remove(shot);
  REQUIRE(shell(chromium("--window-size=1200,16000 --screenshot=" + shot + " file://" + path) + " > /dev/null") == 0);
  CHECK(std::filesystem::file_size(shot) > 200'000);  // a blank page of this size is ~60 kB
}

TEST_CASE("report: the same bytes every run; one chart as a standalone SVG", "[cli][report]") {
  const std::string a = dtsim::test::temp_path("quickstart-a.html"), b = dtsim::test::temp_path("quickstart-b.html");
  REQUIRE(dtsim_cli("report scenarios/quickstart.yaml -o " + a).status == 0);
  REQUIRE(dtsim_cli("report scenarios/quickstart.yaml -o " + b).status == 0);
  CHECK(read(a) == read(b));
  // A single scenario has no side-by-side section, and one section of four charts.
  const std::string html = read(a);
  CHECK(html.find("id=\"compare\"") == std::string::npos);
  for (const char* id : {"side-0-breakdown", "side-0-timeline", "side-0-memory", "side-0-links"})
    CHECK(html.find(std::string("id=\"") + id + "\"") != std::string::npos);

  const std::string svg = dtsim::test::temp_path("timeline.svg");
  REQUIRE(dtsim_cli("report scenarios/quickstart.yaml --chart timeline -o " + svg).status == 0);
  const std::string text = read(svg);
  CHECK(text.rfind("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(text.find("<pattern id=\"hatch\"") != std::string::npos);  // standalone: its own patterns
  // Quickstart has 8 pipeline stages, each labelled.
  for (int s = 0; s < 8; ++s) CHECK(text.find(">stage " + std::to_string(s) + "<") != std::string::npos);
}

TEST_CASE("report: a plan that does not fit says so beside every heading, its long labels fitted",
          "[cli][report]") {
  // GPT-3 175B with TP8 on one node and no data parallelism to shard over: 18 bytes of model
  // state per parameter (bf16 weights, fp32 gradients and Adam state) x 175e9 / 8 = 394 GB per
  // GPU against 80 GB. The long name and the memory bar far over capacity are the labels that
  // ran past the charts' edges before they were laid out by their widths.
  const std::string path = dtsim::test::temp_path("over.html");
  REQUIRE(
      dtsim_cli("report scenarios/quickstart.yaml --set 'name=GPT-3 175B on one DGX H100 node "
                "without data "
                "parallelism' --set cluster.nodes=1 --set parallelism.pp=1 --set parallelism.dp=1 "
                "--set training.global_batch=8 -o " +
                path)
          .status == 0);
  const std::string html = read(path);
  std::regex badge(
      R"(<h([23])[^>]*>[^<]*<span class="verdict does-not-fit">does not fit in memory: [0-9.]+ GiB over</span></h\1>)");
  const auto n =
      std::distance(std::sregex_iterator(html.begin(), html.end(), badge), std::sregex_iterator());
  CHECK(n == 5);  // the section's heading and those of its four charts
  CHECK(html.find("verdict tight") == std::string::npos);
  // The breakdown's row keeps the verdict whole when it cuts the name short.
  CHECK(std::regex_search(html, std::regex(R"(>GPT-3 [^<]*… \(does not fit\)</text>)")));

  const auto charts =
      rendered(dtsim::test::write_temp("over-checked.html", checked_copy(html, kPolicy)));
  for (const char* chart :
       {"side-0-breakdown", "side-0-timeline", "side-0-memory", "side-0-links"}) {
    REQUIRE(charts.count(chart));
    INFO(charts.at(chart));
    CHECK(count_of(charts.at(chart), "clipped") == 0);
    CHECK(count_of(charts.at(chart), "overlaps") == 0);
  }
}

TEST_CASE("report: bad input is an error with its place, not a page", "[cli][report]") {
  const auto bad = dtsim::test::write_temp("bad-report.yaml",
                                          "name: bad\nmodel: gpt3-175b\ntraining:\n  global_batch: 8\n  seq_len: 2048\n"
                                          "  precision: bf16\nparallelism:\n  tq: 8\ncluster:\n  system: dgx-h100\n"
                                          "  nodes: 1\n");
  const auto o = dtsim_cli("report " + bad + " -o " + dtsim::test::temp_path("bad.html"), true);
  CHECK(o.status == 2);
  CHECK(o.out.find("bad-report.yaml:8:3") != std::string::npos);  // the unknown key `tq`
  CHECK(!std::filesystem::exists(dtsim::test::temp_path("bad.html")));
  const auto v = dtsim_cli("report scenarios/h100-vs-h800-vs-tpu.yaml --chart timeline --variant nope -o " +
                               dtsim::test::temp_path("x.svg"), true);
  CHECK(v.status == 2);
  CHECK(v.out.find("GPT-3 H100") != std::string::npos);  // the error lists the variants
}
