// The human output: units that scale with the value and agree along a figure, tables that fit
// 100 columns (wrapped, banded, or turned to a row per variant), the accelerator-count warning
// of `compare`, and progress bars only on a terminal.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_run.hpp"
#include "temp_file.hpp"
#include "text_table.hpp"
#include "units.hpp"

using dtsim::tools::format_quantity;
using dtsim::tools::format_row;
using dtsim::tools::Quantity;

namespace {

// Every line of `text` that is wider than 100 display columns.
std::vector<std::string> overlong_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (dtsim::tools::display_width(line) > dtsim::tools::kLineColumns) lines.push_back(line);
  return lines;
}

// The text with each paragraph's continuation lines (indented four) joined to their first.
std::string unwrapped(std::string text) {
  for (std::size_t at; (at = text.find("\n    ")) != std::string::npos;) text.replace(at, 5, " ");
  return text;
}

bool has_line_starting(const std::string& text, const std::string& start) {
  return text.rfind(start, 0) == 0 || text.find("\n" + start) != std::string::npos;
}

// A small GPT on one DGX H100 node (8 accelerators).
const std::string kBase =
    "name: small GPT\n"
    "model: {name: small, layers: 4, hidden: 2048, heads: 16, vocab: 32000, seq_len: 2048}\n"
    "training: {global_batch: 32, tokens: 1e9}\n"
    "parallelism: {tp: 8, pp: 1, zero: 1}\n"
    "cluster: {system: dgx-h100, nodes: 1}\n";

}  // namespace

TEST_CASE("time scales from ns to days, with fixed decimals per unit", "[units]") {
  CHECK(format_quantity(0, Quantity::time_s) == "0.000 s");
  CHECK(format_quantity(5e-7, Quantity::time_s) == "500.0 ns");
  CHECK(format_quantity(1e-6, Quantity::time_s) == "1.0 µs");  // the boundary: 1 µs
  CHECK(format_quantity(0.0123, Quantity::time_s) == "12.3 ms");
  CHECK(format_quantity(0.9999, Quantity::time_s) == "999.9 ms");
  CHECK(format_quantity(1, Quantity::time_s) == "1.000 s");
  // Minutes, hours and days from two of them: 119.9 s is still seconds.
  CHECK(format_quantity(119.9, Quantity::time_s) == "119.900 s");
  CHECK(format_quantity(120, Quantity::time_s) == "2.00 min");
  CHECK(format_quantity(7199, Quantity::time_s) == "119.98 min");
  CHECK(format_quantity(7200, Quantity::time_s) == "2.00 h");
  CHECK(format_quantity(2 * 86400, Quantity::time_s) == "2.00 days");
  CHECK(format_quantity(30.5 * 86400, Quantity::time_s) == "30.50 days");
}

TEST_CASE("bandwidth, bytes, energy and power scale with 3 significant digits", "[units]") {
  CHECK(format_quantity(4e8, Quantity::bandwidth_bytes_per_s) == "400 MB/s");  // not "0 GB/s"
  CHECK(format_quantity(5e10, Quantity::bandwidth_bytes_per_s) == "50.0 GB/s");
  CHECK(format_quantity(4.5e11, Quantity::bandwidth_bytes_per_s) == "450 GB/s");
  CHECK(format_quantity(999, Quantity::bandwidth_bytes_per_s) == "999 B/s");
  CHECK(format_quantity(1000, Quantity::bandwidth_bytes_per_s) == "1.00 kB/s");
  CHECK(format_quantity(1023, Quantity::bytes) == "1,023 B");
  CHECK(format_quantity(1024, Quantity::bytes) == "1.00 KiB");  // binary: 2^10
  CHECK(format_quantity(80.0 * (1 << 30), Quantity::bytes) == "80.0 GiB");
  CHECK(format_quantity(1.5 * 1024 * 1024 * 1024 * 1024, Quantity::bytes) == "1.50 TiB");
  // 1 Wh = 3,600 J: 40 kWh is 1.44e8 J ("40.0 kWh", not "0.0 MWh"); 1,234 MWh is 1.23 GWh.
  CHECK(format_quantity(40 * 3.6e6, Quantity::energy_j) == "40.0 kWh");
  CHECK(format_quantity(850 * 3.6e6, Quantity::energy_j) == "850 kWh");
  CHECK(format_quantity(1234 * 3.6e9, Quantity::energy_j) == "1.23 GWh");
  CHECK(format_quantity(700, Quantity::power_w) == "700 W");
  CHECK(format_quantity(1.2e6, Quantity::power_w) == "1.20 MW");
}

TEST_CASE("money in dollars, cents below $100, millions and billions above", "[units]") {
  CHECK(format_quantity(42.5, Quantity::money_usd) == "$42.50");
  CHECK(format_quantity(123456.7, Quantity::money_usd) == "$123,457");
  CHECK(format_quantity(4.567e6, Quantity::money_usd) == "$4.57 M");
  CHECK(format_quantity(2.5e9, Quantity::money_usd) == "$2.50 B");
  CHECK(format_quantity(-1500, Quantity::money_usd) == "-$1,500");
  CHECK(format_quantity(1234567.4, Quantity::count) == "1,234,567");
  CHECK(format_quantity(0.4567, Quantity::fraction) == "45.7 %");
}

TEST_CASE("a row shares the unit of its largest value", "[units]") {
  // 12.3456 s picks seconds (to the ms); 0.5 s is written in them too.
  const std::vector<double> step = {12.3456, 0.5};
  CHECK(format_row(step, Quantity::time_s) == std::vector<std::string>{"12.346 s", "0.500 s"});
  // Below a second the row is in ms, to a tenth.
  const std::vector<double> short_steps = {0.9, 0.02};
  CHECK(format_row(short_steps, Quantity::time_s) ==
        std::vector<std::string>{"900.0 ms", "20.0 ms"});
  // 3.6 MWh next to 900 kWh: both in MWh.
  const std::vector<double> energy = {3.6 * 3.6e9, 0.9 * 3.6e9};
  CHECK(format_row(energy, Quantity::energy_j) == std::vector<std::string>{"3.60 MWh", "0.90 MWh"});
}

TEST_CASE("text is measured in code points and wrapped at spaces", "[units][table]") {
  using dtsim::tools::display_width;
  CHECK(display_width("2 × 8") == 5);  // "×" is two bytes, one column
  CHECK(display_width("µs — ok") == 7);
  CHECK(dtsim::tools::wrap_words("one two three", 7) ==
        std::vector<std::string>{"one two", "three"});
  CHECK(dtsim::tools::wrap_words("abcdefghij", 4) ==
        std::vector<std::string>{"abcd", "efgh", "ij"});
  // The first line after two spaces, the rest after four, none past 12 columns.
  CHECK(dtsim::tools::paragraph("aaa bbb ccc ddd", 12, 2, 4) == "  aaa bbb\n    ccc ddd\n");
}

TEST_CASE("a table too wide for the line wraps its cells, then splits into bands",
          "[units][table]") {
  dtsim::tools::TextTable t(
      {"", "first variant", "second variant", "third variant", "fourth variant"});
  const std::string plan = "TP2 PP16 DP16 CP2 VPP6 mb1 ZeRO-1 SP selective";
  t.row({"plan", plan, plan, plan, plan});
  t.row({"step time", "1.000 s", "2.000 s", "3.000 s", "4.000 s"});
  REQUIRE(t.width() > 100);  // 2 + 9 + 4 x (2 + 46)
  const auto text = t.fitted(60);
  for (const auto& line : overlong_lines(text)) FAIL(line);
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) CHECK(dtsim::tools::display_width(line) <= 60);
  // 60 columns hold the labels and two 12-wide columns at most: two bands, each repeating the
  // row labels.
  CHECK(std::count(text.begin(), text.end(), '\n') > 6);
  std::size_t labels = 0;
  for (std::size_t at = text.find("  step time"); at != std::string::npos;
       at = text.find("  step time", at + 1))
    ++labels;
  CHECK(labels >= 2);
  // Nothing is lost: every word of every cell is still there.
  CHECK(text.find("fourth") != std::string::npos);
  CHECK(text.find("4.000 s") != std::string::npos);
}

TEST_CASE("compare fits 100 columns in both layouts, for every shipped scenario with variants",
          "[cli][output]") {
  // The cheapest check that still has each file's variants: no plan replayed by a search (the
  // table's layout does not depend on how the plan was chosen), except in the headline below,
  // run once.
  const std::filesystem::path root(DTSIM_SOURCE_DIR);
  int compared = 0;
  for (const auto* dir : {"scenarios", "scenarios/tutorial"})
    for (const auto& e : std::filesystem::directory_iterator(root / dir)) {
      if (e.path().extension() != ".yaml" || e.path().filename() == "h100-vs-h800-vs-tpu.yaml")
        continue;
      std::ifstream in(e.path());
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      if (text.find("\nvariants:") == std::string::npos) continue;
      const auto file = std::filesystem::relative(e.path(), root).string();
      ++compared;
      for (const char* layout : {"columns", "rows"}) {
        INFO(file << " --layout " << layout);
        const auto o = dtsim_cli("compare " + file + " --set search.confirm=0 --layout " + layout);
        REQUIRE(o.status == 0);
        for (const auto& line : overlong_lines(o.out)) FAIL_CHECK(line);
      }
    }
  CHECK(compared >= 14);  // 5 scenarios and 9 lessons besides the headline
}

TEST_CASE("the headline compare fits 100 columns, its six variants as rows", "[cli][output]") {
  const auto o = dtsim_cli("compare scenarios/h100-vs-h800-vs-tpu.yaml");
  REQUIRE(o.status == 0);
  for (const auto& line : overlong_lines(o.out)) FAIL_CHECK(line);
  // Six variants do not fit as columns: under auto each is a row of its own.
  for (const char* name : {"GPT-3 H100", "GPT-3 TPU v5p", "Llama 3 70B TPU v5p"}) {
    INFO(name);
    CHECK(has_line_starting(o.out, std::string("  ") + name + "  "));
  }
}

TEST_CASE("compare --layout: auto keeps narrow tables as columns, turns wide ones to rows",
          "[cli][output]") {
  const auto narrow = dtsim::test::write_temp(
      "layout_narrow.yaml",
      kBase + "variants:\n  - {name: A, set: {}}\n  - {name: B, set: {parallelism.tp: 4}}\n");
  const auto columns = dtsim_cli("compare " + narrow).out;
  CHECK(has_line_starting(columns, "  step time "));  // a row per figure
  const std::string long_names =
      "variants:\n"
      "  - {name: the first variant with a long name, set: {}}\n"
      "  - {name: the second variant with a long name, set: {parallelism.tp: 4}}\n"
      "  - {name: the third variant with a long name, set: {parallelism.tp: 2}}\n";
  const auto wide = dtsim::test::write_temp("layout_wide.yaml", kBase + long_names);
  const auto rows = dtsim_cli("compare " + wide).out;
  for (const char* name : {"  the first variant", "  the second variant", "  the third variant"}) {
    INFO(name);
    CHECK(has_line_starting(rows, name));  // a row per variant
  }
  CHECK(!has_line_starting(rows, "  step time "));
  // Forced to columns, the same table wraps its cells and still fits.
  const auto forced = dtsim_cli("compare " + wide + " --layout columns").out;
  CHECK(has_line_starting(forced, "  step time "));
  for (const auto& line : overlong_lines(forced)) FAIL_CHECK(line);
  CHECK(dtsim_cli("compare " + wide + " --layout diagonal").status != 0);
}

TEST_CASE("compare flags a variant that changes the accelerator count", "[cli][output]") {
  const auto path = dtsim::test::write_temp("accelerators.yaml",
                                            kBase +
                                                "variants:\n  - {name: one node, set: {}}\n"
                                                "  - {name: two nodes, set: {cluster.nodes: 2}}\n"
                                                "  - {name: TP4, set: {parallelism.tp: 4}}\n");
  const auto o = dtsim_cli("compare " + path);
  REQUIRE(o.status == 0);
  // Two DGX H100 nodes hold 2 x 8 accelerators; the base (the first variant) one node's 8.
  CHECK(o.out.find("16 on dgx-h100 *") != std::string::npos);
  CHECK(o.out.find("8 on dgx-h100 *") == std::string::npos);
  const auto text = unwrapped(o.out);
  CHECK(text.find(
            "* two nodes runs on 16 accelerators and the base, one node, on 8: per-step figures "
            "are not per-accelerator comparable") != std::string::npos);
  CHECK(text.find("* TP4 runs") == std::string::npos);  // the same 8 accelerators
  // Per accelerator: each side's tokens/s over its accelerators.
  const auto j = nlohmann::json::parse(dtsim_cli("compare " + path + " --json").out);
  const auto per = [&](int i, int n) {
    return dtsim::tools::thousands(j[i]["tokens_per_s"].get<double>() / n);
  };
  CHECK(text.find("per accelerator it makes " + per(1, 16) + " tokens/s, the base " + per(0, 8)) !=
        std::string::npos);
}

TEST_CASE("progress goes to stderr only when it is a terminal", "[cli][output]") {
  const auto path = dtsim::test::write_temp(
      "progress.yaml", kBase + "variants:\n  - {name: A, set: {}}\n  - {name: B, set: {}}\n");
  // Not a terminal (a pipe, stderr folded into stdout): no bar among the results.
  const auto piped = dtsim_cli("compare " + path, true);
  CHECK(piped.status == 0);
  CHECK(piped.out.find("variants [") == std::string::npos);
  CHECK(piped.out.find('\r') == std::string::npos);
  // A terminal (script(1) gives the command one): "2/2 variants [###...]" is drawn, then erased.
  const auto tty = dtsim_cli("--version >/dev/null; script -qec '" + std::string(DTSIM_BINARY) +
                             " compare " + path + " >/dev/null' /dev/null");
  CHECK(tty.out.find("2/2 variants [") != std::string::npos);
  CHECK(tty.out.find("\r\x1b[K") != std::string::npos);
}
