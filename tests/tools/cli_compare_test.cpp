// `dtsim compare` and `dtsim search` from the command line: variants side by side, each at its
// own plan when asked, and the errors a user meets.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "temp_file.hpp"

namespace {

// A small GPT on one DGX H100 node against the same on an HGX H800 node and at TP1.
const std::string kBase =
    "name: small on H100 and H800\n"
    "model: {name: small, layers: 4, hidden: 2048, heads: 16, vocab: 32000, seq_len: 2048}\n"
    "training: {global_batch: 32, tokens: 1e9}\n"
    "parallelism: {tp: 8, pp: 1, zero: 1}\n"
    "cluster: {system: dgx-h100, nodes: 1}\n";

// The same node from both vendors' boards: the two sides most tests compare.
const std::string kH100VsH800 = "variants:\n  - {name: H100, set: {}}\n  - {name: H800, set: {cluster.system: hgx-h800}}\n";

std::string file(const std::string& name, const std::string& extra) {
  return dtsim::test::write_temp(name, kBase + extra);
}

}  // namespace

TEST_CASE("compare --json: one object per variant, in the file's order", "[cli][compare]") {
  const auto path = file("compare.yaml", kH100VsH800 + "  - {name: H100 TP1, set: {parallelism.tp: 1}}\n");
  const auto o = dtsim_cli("compare " + path + " --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  REQUIRE(j.size() == 3);
  CHECK(j[0]["name"] == "H100");
  CHECK(j[1]["system"] == "hgx-h800");
  CHECK(j[2]["plan"].get<std::string>().rfind("TP1 ", 0) == 0);
  // Same plan, same compute: the H800 loses only where its NVLink (200 against 450 GB/s per
  // direction) carries tensor-parallel traffic.
  CHECK(j[1]["compute_s"].get<double>() == Approx(j[0]["compute_s"].get<double>()).epsilon(1e-6));
  CHECK(j[1]["exposed_tp_cp_ep_s"].get<double>() > 1.5 * j[0]["exposed_tp_cp_ep_s"].get<double>());
  CHECK(j[1]["step_time_s"].get<double>() > j[0]["step_time_s"].get<double>());
}

TEST_CASE("compare prints the variants side by side and explains the differences", "[cli][compare]") {
  const auto path = file("compare_text.yaml", kH100VsH800);
  const auto o = dtsim_cli("compare " + path);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("scale-up 450 GB/s") != std::string::npos);
  CHECK(o.out.find("scale-up 200 GB/s") != std::string::npos);
  CHECK(o.out.find("H800 vs H100: step +") != std::string::npos);
  CHECK(o.out.find("exposed TP/CP/EP communication") != std::string::npos);
}

TEST_CASE("compare --search lets each variant pick its own plan", "[cli][compare]") {
  const auto path = file("compare_search.yaml",
                         "search: {cp: [1], micro_batch: [1], zero: [1], recompute: [none], confirm: 2}\n" +
                             kH100VsH800);
  const auto o = dtsim_cli("compare " + path + " --csv");
  REQUIRE(o.status == 0);
  // A header and two rows.
  CHECK(std::count(o.out.begin(), o.out.end(), '\n') == 3);
  CHECK(o.out.rfind("name,system,accelerators,plan,", 0) == 0);
}

TEST_CASE("compare without variants, or with a bad one, is bad input", "[cli][compare]") {
  CHECK(dtsim_cli("compare " + file("no_variants.yaml", "")).status == 2);
  const auto o = dtsim_cli(
      "compare " + file("bad_variant.yaml", "variants:\n  - {name: broken, set: {parallelism.tpp: 2}}\n"), true);
  CHECK(o.status == 2);
  CHECK(o.out.find("in variant 'broken'") != std::string::npos);
  CHECK(o.out.find("did you mean 'tp'") != std::string::npos);
}

TEST_CASE("search prints the fastest plans and where the scenario's own ranks", "[cli][search]") {
  const auto path = file("search.yaml", "search: {cp: [1], micro_batch: [1, 2], zero: [1], confirm: 3}\n");
  const auto o = dtsim_cli("search " + path);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("confirmed by a full replay") != std::string::npos);
  CHECK(o.out.find("(scenario)") != std::string::npos);
  CHECK(o.out.find("plans considered:") != std::string::npos);
  const auto j = nlohmann::json::parse(dtsim_cli("search " + path + " --json").out);
  REQUIRE(!j["best"].empty());
  CHECK(j["best"][0]["simulated_step_s"].get<double>() <= j["given"]["simulated_step_s"].get<double>());
}

TEST_CASE("compare without a token budget: time to train and accelerator-hours are n/a",
          "[cli][compare]") {
  // No training.tokens: no run to time or price, so those figures are unknown (n/a, empty in CSV,
  // null in JSON) rather than 0.0 days, as energy and cost are without power or a price.
  std::string base = kBase;
  base.erase(base.find(", tokens: 1e9"), std::string(", tokens: 1e9").size());
  const auto path = dtsim::test::write_temp("compare_no_budget.yaml", base + kH100VsH800);
  const auto j = nlohmann::json::parse(dtsim_cli("compare " + path + " --json").out);
  REQUIRE(j.size() == 2);
  for (const char* key : {"time_to_train_days", "accelerator_hours", "energy_mwh", "cost_usd"}) {
    INFO(key);
    CHECK(j[0][key].is_null());
  }
  const auto text = dtsim_cli("compare " + path).out;
  for (const std::string label : {"time to train", "accelerator-hours"}) {
    INFO(label);
    const auto at = text.find("\n  " + label + " ");
    REQUIRE(at != std::string::npos);
    const auto row = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    CHECK(row.find("n/a") != std::string::npos);
    CHECK(row.find("0.0 days") == std::string::npos);
  }
  // CSV: the two cells are empty.
  const auto csv = dtsim_cli("compare " + path + " --csv").out;
  const auto header = csv.substr(0, csv.find('\n'));
  CHECK(header.find(",time_to_train_days,goodput,accelerator_hours,") != std::string::npos);
  CHECK(csv.find(",,1,,") != std::string::npos);  // time to train, goodput 1, accelerator-hours
}

TEST_CASE("compare's parts add up to the step time, the optimizer step included", "[cli][compare]") {
  // step = compute (with recompute) + optimizer + exposed TP/CP/EP + exposed DP + pipeline
  // transfers + bubble: the step's breakdown, which covers it exactly.
  const auto j = nlohmann::json::parse(dtsim_cli("compare " + file("compare_parts.yaml", kH100VsH800) + " --json").out);
  for (const auto& side : j) {
    INFO(side["name"]);
    CHECK(side["optimizer_s"].get<double>() > 0);
    double parts = 0;
    for (const char* key : {"compute_s", "optimizer_s", "exposed_tp_cp_ep_s", "exposed_dp_s", "pp_wait_s", "bubble_s"})
      parts += side[key].get<double>();
    CHECK(parts == Approx(side["step_time_s"].get<double>()).epsilon(1e-9));
  }
  const auto text = dtsim_cli("compare " + file("compare_parts_text.yaml", kH100VsH800)).out;
  CHECK(text.find("optimizer step") != std::string::npos);
  CHECK(text.find("peak memory per accelerator") != std::string::npos);
}

TEST_CASE("compare of two equal sides says they are the same, not faster", "[cli][compare]") {
  // The same scenario twice: the ratio is 0 (the simulator is deterministic).
  const auto path = file("compare_same.yaml", "variants:\n  - {name: A, set: {}}\n  - {name: B, set: {}}\n");
  const auto o = dtsim_cli("compare " + path);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("B vs A: step +0.0 % (the same)") != std::string::npos);
  CHECK(o.out.find("(faster)") == std::string::npos);
}
