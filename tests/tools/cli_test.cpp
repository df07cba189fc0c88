// The dtsim command line as a user meets it: exit codes, JSON output, error messages.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_run.hpp"
#include "temp_file.hpp"

namespace {
CliOutcome cli(const std::string& args, bool with_stderr = false) { return dtsim_cli(args, with_stderr); }
}  // namespace

TEST_CASE("dtsim --version", "[cli]") {
  const auto o = cli("--version");
  CHECK(o.status == 0);
  CHECK(o.out.rfind("dtsim ", 0) == 0);
}

TEST_CASE("run --json prints one JSON document with the headline figures", "[cli]") {
  const auto o = cli("run scenarios/quickstart.yaml --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  for (const char* key : {"step_time_s", "tokens_per_s", "mfu", "time_to_train_days"}) {
    INFO(key);
    CHECK(j.contains(key));
    CHECK(j[key].get<double>() > 0);
  }
}

TEST_CASE("the same input gives the same output, byte for byte", "[cli]") {
  CHECK(cli("run scenarios/quickstart.yaml --json").out ==
        cli("run scenarios/quickstart.yaml --json").out);
}

TEST_CASE("a typo'd key exits 2 with FILE:LINE:COL naming it and a suggestion", "[cli]") {
  const auto o = cli("run tests/sim/config/bad/typo_key.yaml", true);
  CHECK(o.status == 2);
  CHECK(o.out.find("tests/sim/config/bad/typo_key.yaml:4:3: error: parallelism.tpp:") !=
        std::string::npos);
  CHECK(o.out.find("did you mean 'tp'?") != std::string::npos);
}

TEST_CASE("overrides given with --set are applied and checked", "[cli]") {
  const auto o = cli("run scenarios/quickstart.yaml --json --set parallelism.micro_batch=2");
  REQUIRE(o.status == 0);
  CHECK(nlohmann::json::parse(o.out)["plan"]["micro_batches"] == 48);
  CHECK(cli("run scenarios/quickstart.yaml --set parallelism.tp=three").status == 2);
}

TEST_CASE("a missing file and unknown options are bad input (exit 2)", "[cli]") {
  CHECK(cli("run no/such/file.yaml").status == 2);
  CHECK(cli("run scenarios/quickstart.yaml --no-such-flag").status == 2);
}

TEST_CASE("every subcommand has --help", "[cli]") {
  CHECK(cli("--help").status == 0);
  for (const char* cmd : {"run", "model", "memory"}) {
    INFO(cmd);
    CHECK(cli(std::string(cmd) + " --help").status == 0);
  }
}

TEST_CASE("model --list lists the zoo", "[cli][model]") {
  const auto o = cli("model --list --json");
  REQUIRE(o.status == 0);
  const auto list = nlohmann::json::parse(o.out);
  std::vector<std::string> ids;
  for (const auto& m : list) ids.push_back(m["id"]);
  for (const char* id :
       {"gpt3-175b", "llama3.1-405b", "palm-540b", "deepseek-v3", "mixtral-8x7b"}) {
    INFO(id);
    CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());
  }
}

TEST_CASE("model NAME --json gives parameters, FLOPs per token and the layer's operators",
          "[cli][model]") {
  const auto o = cli("model gpt3-175b --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  // Narayanan et al. 2021: 174.6B parameters.
  CHECK(j["parameters"]["total"].get<double>() / 1e9 == Approx(174.6).epsilon(0.001));
  // Training FLOPs per token at s = 2048: Eq. 3 without recompute divided by B s,
  // 72 l h^2 (1 + s/6h + V/12lh) = 1.08 TFLOP.
  const double l = 96, h = 12288, s = 2048, V = 51200;
  CHECK(j["flops_per_token"]["training"].get<double>() ==
        Approx(72 * l * h * h * (1 + s / (6 * h) + V / (12 * l * h))));
  REQUIRE(j["layer_kinds"].size() == 1);
  CHECK(j["layer_kinds"][0]["count"] == 96);
  CHECK(j["layer_kinds"][0]["operators"][1]["name"] == "qkv");
  // The human form names the operators too.
  CHECK(cli("model gpt3-175b").out.find("attention_core") != std::string::npos);
}

TEST_CASE("model with an unknown name is bad input", "[cli][model]") {
  const auto o = cli("model gpt5", true);
  CHECK(o.status == 2);
  CHECK(o.out.find("dtsim model --list") != std::string::npos);
}

TEST_CASE("memory prints each stage and the verdict", "[cli][memory]") {
  const auto o = cli("memory scenarios/quickstart.yaml --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  CHECK(j["stages"].size() == 8);
  CHECK(j["fits"] == true);
  CHECK(j["headroom_bytes"].get<double>() > 0);
  CHECK(cli("memory scenarios/quickstart.yaml").out.find("fits:") != std::string::npos);
}

TEST_CASE("a plan that does not fit is a result: which rank, by how much (exit 0)",
          "[cli][memory]") {
  // No tensor parallelism: 21.8B parameters per stage x (2 + 4 + 12/128) bytes (ZeRO-1 over
  // 128 replicas) = 133 GB of model state per rank, against 85.5 GB.
  const std::string args =
      "memory scenarios/quickstart.yaml --set parallelism.tp=1 --set parallelism.dp=128";
  const auto o = cli(args + " --json");
  REQUIRE(o.status == 0);
  const auto j = nlohmann::json::parse(o.out);
  CHECK(j["fits"] == false);
  CHECK(j["worst_stage"] == 0);
  CHECK(j["headroom_bytes"].get<double>() < -47e9);
  const auto text = cli(args);
  CHECK(text.status == 0);
  CHECK(text.out.find("DOES NOT FIT: pipeline stage 0 needs") != std::string::npos);
}

TEST_CASE("memory options: the ZeRO paper's 16 bytes and unfused attention", "[cli][memory]") {
  const auto megatron = nlohmann::json::parse(cli("memory scenarios/quickstart.yaml --json").out);
  const auto zero = nlohmann::json::parse(
      cli("memory scenarios/quickstart.yaml --json --state-layout zero-paper").out);
  // 16-bit instead of fp32 gradients: half the gradient bytes.
  CHECK(zero["stages"][1]["grads_bytes"].get<double>() ==
        Approx(megatron["stages"][1]["grads_bytes"].get<double>() / 2));
  // Without recompute, unfused attention keeps the s x s tensors: 5as/h = 80 more per sbh
  // for GPT-3 175B at s = 2048 (Korthikanti Table 2, rows 3 and 5), (34 + 80)/34 times as much.
  const std::string none =
      "memory scenarios/quickstart.yaml --json --set parallelism.recompute=none";
  const auto flash = nlohmann::json::parse(cli(none).out);
  const auto unfused = nlohmann::json::parse(cli(none + " --no-flash-attention").out);
  CHECK(unfused["stages"][0]["activation_bytes_per_micro_batch"].get<double>() >
        3 * flash["stages"][0]["activation_bytes_per_micro_batch"].get<double>());
  CHECK(cli("memory scenarios/quickstart.yaml --state-layout adam8bit").status == 2);
}

TEST_CASE("run --trace writes a Chrome trace with slices, flows and link counters", "[cli][trace]") {
  const std::string path = dtsim::test::temp_path("cli_test_trace.json");
  const auto o = cli("run scenarios/quickstart.yaml --set training.global_batch=128 --trace " + path);
  REQUIRE(o.status == 0);
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  std::map<std::string, int> phases;
  std::set<std::string> categories;
  for (const auto& e : j["traceEvents"]) {
    ++phases[e["ph"].get<std::string>()];
    if (e["ph"] == "X") categories.insert(e["cat"].get<std::string>());
  }
  CHECK(phases["X"] > 1000);  // every task of the step, on 8 stages
  CHECK(phases["s"] == phases["f"]);
  CHECK(phases["s"] > 0);     // pipeline transfers drawn as flows
  CHECK(phases["C"] > 100);   // link utilization sampled over the step
  for (const char* c : {"compute", "tp", "pp", "dp", "optimizer"}) CHECK(categories.count(c) == 1);
}

TEST_CASE("run's exposed TP/CP/EP row is the sum of the JSON's three parts", "[cli]") {
  // A small MoE on two DGX H100 nodes, TP2 CP2 EP2 DP4: tensor-, context- and expert-parallel
  // collectives all run, each with its own exposed time in breakdown_s; the table's one row for
  // the three must show exposed_tp + exposed_cp + exposed_ep (as compare and JSON count them).
  const std::string path = dtsim::test::write_temp(
      "cli_test_cp_ep.yaml",
      "name: small MoE with CP and EP\n"
      "model: {name: small-moe, layers: 4, hidden: 2048, heads: 16, vocab: 32000, seq_len: 8192,\n"
      "        moe: {experts: 8, top_k: 2}}\n"
      "training: {global_batch: 16}\n"
      "parallelism: {tp: 2, pp: 1, cp: 2, ep: 2}\n"
      "cluster: {system: dgx-h100, nodes: 2}\n");
  const auto j = nlohmann::json::parse(cli("run " + path + " --json").out);
  const auto& b = j["breakdown_s"];
  const double tp = b["exposed_tp"].get<double>(), others = b["exposed_cp"].get<double>() + b["exposed_ep"].get<double>();
  REQUIRE(others > 1e-3);  // the premise: the row differs from TP alone at the table's 1 ms precision
  const auto text = cli("run " + path).out;
  const std::string label = "exposed TP/CP/EP communication";
  const auto at = text.find(label);
  REQUIRE(at != std::string::npos);
  const auto number = text.find_first_of("0123456789", at + label.size());
  REQUIRE(number != std::string::npos);
  // Printed in the step's unit: "%.3f s", or "%.1f ms" when the step is below a second.
  std::size_t digits = 0;
  const double shown = std::stod(text.substr(number), &digits);
  const bool ms = text.compare(number + digits, 3, " ms") == 0;
  CHECK((ms ? shown / 1e3 : shown) == Approx(tp + others).margin(ms ? 5e-5 : 5e-4));
}
