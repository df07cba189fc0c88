// docs/scenario.md documents every key the scenario readers accept, checked against the readers'
// own lists rather than a copy of them: for each mapping of the format, the test puts one unknown
// key into a scenario that gives every mapping (so every key a reader asks for only in some
// cases is asked for), takes the list the reader prints with its error ("unknown key 'K' ...
// (valid here: a, b, c)"), and requires each of those keys in the docs under that mapping.
//
// The docs' convention, which docs/scenario.md states for its readers: a heading names the
// path of the mapping it documents in backticks (`training.finetune`; a list's entries as
// `devices[]`; several paths where they share one schema), "Top level" names the root, and
// the first cell of each table row under the heading names its keys in backticks.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "temp_file.hpp"

namespace {

using Keys = std::set<std::string>;

// The tokens written `like this` in `text`.
std::vector<std::string> backticked(const std::string& text) {
  std::vector<std::string> out;
  static const std::regex code("`([^`]+)`");
  for (std::sregex_iterator it(text.begin(), text.end(), code), end; it != end; ++it)
    out.push_back((*it)[1].str());
  return out;
}

// Mapping path -> the keys the docs' tables name under the headings that name the path.
std::map<std::string, Keys> documented_keys(const std::string& markdown) {
  std::map<std::string, Keys> out;
  std::vector<std::string> paths;  // what the current heading names
  std::istringstream lines(markdown);
  bool in_code = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```", 0) == 0) in_code = !in_code;
    if (in_code) continue;
    if (line.rfind("#", 0) == 0) {
      paths = backticked(line);
      if (line.find("Top level") != std::string::npos) paths = {""};
      continue;
    }
    if (line.rfind("|", 0) != 0) continue;
    const std::string first_cell = line.substr(1, line.find('|', 1) - 1);
    for (const auto& path : paths)
      for (const auto& key : backticked(first_cell)) out[path].insert(key);
  }
  return out;
}

// "devices[0].peak.k" -> "devices[].peak": the mapping a key path's last part is a key of.
std::string mapping_of(const std::string& key_path) {
  const std::string general = std::regex_replace(key_path, std::regex(R"(\[[0-9]+\])"), "[]");
  const auto dot = general.rfind('.');
  return dot == std::string::npos ? "" : general.substr(0, dot);
}

// A link, a device, a system, an inline model and every section, with every optional key
// given: each reader then asks for all it can take. (Figures are arbitrary but consistent: the
// scenario loads.)
const char* const kSystem =
    "{id: test-node, aliases: [tn], name: Test node, device: test-gpu, accelerators_per_node: 4,"
    " scale_up: {kind: nvswitch, link: test-link, links_per_accelerator: 4, switches: 2,"
    " in_switch_reduction: false, peer_to_peer: true, pcie_link: pcie-gen5-x16,"
    " pcie_uplink: pcie-gen5-x16, source: s},"
    " scale_out: {link: ib-ndr, nics_per_node: 4, source: s},"
    " fabric: {kind: rail-fat-tree, switch_radix: 64, source: s},"
    " node: {power: 3 kW, price: 100000 USD, source: s}}";

std::string every_mapping_scenario() {
  return std::string(
             "name: every mapping\n"
             "description: each mapping of the format, every optional key given\n"
             "links:\n"
             "  - {id: test-link, name: Test link, bandwidth: 25 GB/s, efficiency: 0.8, latency: 2 "
             "us,"
             " source: s}\n"
             "devices:\n"
             "  - {id: test-gpu, aliases: [tg], name: Test GPU, vendor: test, arch: test,\n"
             "     peak: {fp32: 50 TFLOP/s, tf32: 200 TFLOP/s, bf16: 400 TFLOP/s, fp16: 400 "
             "TFLOP/s,"
             " fp8: 800 TFLOP/s, int8: 800 TOP/s, fp4: 1600 TFLOP/s, source: s},\n"
             "     memory: {capacity: 80 GiB, bandwidth: 2 TB/s, type: HBM3, source: s},\n"
             "     efficiency: {gemm: 0.8, gemm_fp8: 0.7, hbm: 0.9, source: s},\n"
             "     compute_units: {count: 100, kind: SM, source: s},\n"
             "     power: {tdp: 500 W, source: s},\n"
             "     price: {buy: 20000 USD, rent: 2 USD/h, source: s},\n"
             "     interfaces: {scale_up_link: test-link, scale_up_ports: 4, host_link: "
             "pcie-gen5-x16,"
             " source: s}}\n"
             "systems:\n"
             "  - ") +
         kSystem +
         "\n"
         "model:\n"
         "  {id: tiny-moe, aliases: [tiny], name: Tiny MoE, layers: 4, hidden: 512, heads: 8,"
         " kv_heads: 8, head_dim: 64, mlp: swiglu, ffn: 1024, vocab: 32000, seq_len: 1024,"
         " parallel_block: false, bias: false, norm: rmsnorm, norm_bias: false,"
         " embedding_norm: false, positions: rope, tied_embeddings: false, dropout: false,\n"
         "   moe: {experts: 4, top_k: 2, shared_experts: 1, expert_ffn: 256, dense_first_layers: "
         "1},\n"
         "   mla: {q_lora_rank: 128, kv_lora_rank: 64, rope_head_dim: 32, v_head_dim: 64},"
         " source: test}\n"
         "training:\n"
         "  {global_batch: 16, seq_len: 1024, tokens: 1e9, precision: bf16, flash_attention: "
         "true,\n"
         "   finetune: {method: lora, rank: 8, base_weights: bf16, targets: [attention, mlp]}}\n"
         "parallelism:\n"
         "  {tp: 1, pp: 2, dp: 4, cp: 1, ep: 2, vpp: 1, micro_batch: 1, schedule: 1f1b, zero: 1,"
         " zero_shard: 2, sequence_parallel: false, recompute: selective, tp_comm_overlap: false,"
         " overlap_grad_reduce: true, overlap_param_gather: true, bucket_size: 40e6,"
         " layers: [2, 2]}\n"
         "simulation: {network: flow, fold: true}\n"
         "cluster:\n"
         "  {system: " +
         kSystem +
         ",\n"
         "   nodes: 2, accelerators: 8, fabric: {kind: rail-fat-tree, tiers: 2, switch_radix: 64,"
         " oversubscription: 1, nodes_per_unit: 32, nodes_per_leaf: 2, pod_accelerators: 8,"
         " pod_oversubscription: 1, link: ib-ndr, switch_latency: 0.2 us, source: s}}\n"
         "cost: {pricing: buy, rent: 2 USD/h, accelerator_price: 20000 USD, node_price: 100000 USD,"
         " network_per_port: 2000 USD, amortization: 5 years, electricity: 0.1 USD/kWh, pue: 1.2}\n"
         "goodput: {enabled: true, failures_per_accelerator_day: 1e-3, checkpoint_bandwidth: 10 "
         "GB/s,"
         " checkpoint_interval: 1 h, restart: 10 min}\n"
         "variants:\n"
         "  - {name: base, description: d, set: {parallelism.pp: 2}}\n"
         "sweep: {parallelism.micro_batch: [1, 2]}\n"
         "search: {top: 3, confirm: 1, tp: [1], pp: [2], cp: [1], vpp: [1], micro_batch: [1],"
         " zero: [1], recompute: [selective], sequence_parallel: [false]}\n";
}

constexpr const char* kBogus = "not_a_key_anywhere";

// The keys the reader of the mapping at `path` (as --set writes it: "devices.0.peak") lists as
// valid, after `first` overrides: the message of the error an unknown key there gets.
Keys valid_here(const std::string& scenario, const std::string& path,
                const std::vector<std::string>& first = {}) {
  std::vector<std::string> overrides = first;
  overrides.push_back((path.empty() ? "" : path + ".") + kBogus + "=1");
  try {
    dtsim::config::load_scenario(scenario, overrides);
  } catch (const dtsim::config::ConfigError& e) {
    INFO(e.what());
    const std::string where = path.empty() ? std::string(kBogus) : path + "." + kBogus;
    REQUIRE(std::regex_replace(e.key_path(), std::regex(R"(\[([0-9]+)\])"), ".$1") == where);
    std::smatch m;
    const std::string message = e.message();
    REQUIRE(std::regex_search(message, m,
                              std::regex(R"(unknown key '([^']+)'.* \(valid here: (.*)\)$)")));
    CHECK(m[1].str() == kBogus);
    Keys keys;
    std::istringstream list(m[2].str());
    for (std::string key; std::getline(list, key, ',');)
      keys.insert(key.substr(key.find_first_not_of(' ')));
    REQUIRE(!keys.empty());
    return keys;
  }
  FAIL("no error for an unknown key in '" << path << "'");
  return {};
}

struct Mapping {
  std::string path;                     // where the unknown key goes, as --set writes it
  std::vector<std::string> first = {};  // overrides that make the reader ask for more keys
};

// Every mapping a scenario has. The cluster is read twice: a torus system also takes a shape
// and a slice count. `variants[].set` and `sweep` have no fixed keys (they name key paths).
const std::vector<Mapping> kMappings = {
    {""},
    {"model"},
    {"model.moe"},
    {"model.mla"},
    {"training"},
    {"training.finetune"},
    {"parallelism"},
    {"simulation"},
    {"cluster"},
    {"cluster", {"cluster={system: tpu-v5p, shape: 2x2x2, slices: 1}"}},
    {"cluster.fabric"},
    {"cluster.system"},
    {"cluster.system.scale_up"},
    {"cluster.system.scale_out"},
    {"cluster.system.fabric"},
    {"cluster.system.node"},
    {"links.0"},
    {"devices.0"},
    {"devices.0.peak"},
    {"devices.0.memory"},
    {"devices.0.efficiency"},
    {"devices.0.compute_units"},
    {"devices.0.power"},
    {"devices.0.price"},
    {"devices.0.interfaces"},
    {"systems.0"},
    {"systems.0.scale_up"},
    {"systems.0.scale_out"},
    {"systems.0.fabric"},
    {"systems.0.node"},
    {"cost"},
    {"goodput"},
    {"variants.0"},
    {"search"},
};

std::string read_docs() {
  std::ifstream in(std::string(DTSIM_SOURCE_DIR) + "/docs/scenario.md");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("docs: the scenario that gives every mapping loads", "[docs]") {
  // Otherwise an unknown key below could be rejected for another reason than the key.
  const auto path = dtsim::test::write_temp("every-mapping.yaml", every_mapping_scenario());
  const auto s = dtsim::config::load_scenario(path);
  CHECK(s.plan.pp == 2);               // given in the file
  CHECK(s.cluster.accelerators == 8);  // 2 nodes x 4
}

TEST_CASE("docs: docs/scenario.md names every key each scenario reader accepts", "[docs]") {
  const auto scenario = dtsim::test::write_temp("every-mapping.yaml", every_mapping_scenario());
  const auto docs = documented_keys(read_docs());
  std::map<std::string, Keys> accepted;  // mapping -> what its reader takes, over every case
  for (const auto& m : kMappings) {
    const std::string section =
        mapping_of(std::regex_replace(m.path + ".k", std::regex(R"(\.([0-9]+))"), "[$1]"));
    INFO("mapping '" << section << "'");
    const Keys valid = valid_here(scenario, m.path, m.first);
    accepted[section].insert(valid.begin(), valid.end());
    REQUIRE(docs.count(section));  // a heading names it
    for (const auto& key : valid) {
      INFO("key '" << key << "'");
      CHECK(docs.at(section).count(key));
    }
  }
  // And the docs name no key a reader rejects (a renamed or misspelt one).
  for (const auto& [section, keys] : accepted)
    for (const auto& key : docs.at(section)) {
      INFO("documented key '" << key << "' under '" << section << "'");
      CHECK(keys.count(key));
    }
}

TEST_CASE("docs: the key list is read from the docs' tables under the heading naming the path",
          "[docs]") {
  // The parser itself, on a page written for it: keys come from first cells only, a heading
  // may name two paths, code blocks are skipped.
  const auto keys = documented_keys(
      "## Top level\n| key | meaning |\n|---|---|\n| `name`, `model` | the `x` |\n"
      "### `systems[]`, inline `cluster.system`\n| `id` | a `y` |\n```\n| `not` | in code "
      "|\n```\n");
  CHECK(keys.at("") == Keys{"name", "model"});
  CHECK(keys.at("systems[]") == Keys{"id"});
  CHECK(keys.at("cluster.system") == Keys{"id"});
  CHECK(mapping_of("devices[0].peak.fp8") == "devices[].peak");
  CHECK(mapping_of("name") == "");
}
