// Time, energy and cost to train (sim/study/economics.hpp): the closed forms on bare numbers,
// checked by hand and against Daly's and Llama 3's published figures, then economics() on the
// quickstart scenario (GPT-3 175B on 128 DGX H100) with a hand-made step.
#include "dtsim/sim/study/economics.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"

using namespace dtsim;

namespace {

config::Scenario quickstart(const std::vector<std::string>& overrides = {}) {
  return config::load_scenario(std::string(DTSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml",
                               overrides);
}

// A step of `step_s` seconds whose compute streams are busy `busy_s` of it, waiting the rest.
training::StepResult step_of(double step_s, double busy_s) {
  training::StepResult r;
  r.step_time_s = step_s;
  r.tokens_per_s = 1536.0 * 2048 / step_s;  // the quickstart's global batch x sequence
  r.breakdown.compute_s = busy_s * 0.75;
  r.breakdown.recompute_s = busy_s * 0.125;
  r.breakdown.optimizer_s = busy_s * 0.125;
  r.breakdown.bubble_s = step_s - busy_s;
  return r;
}

bool has_assumption(const study::Economics& e, const std::string& key) {
  return std::any_of(e.assumptions.begin(), e.assumptions.end(),
                     [&](const std::string& a) { return a.rfind(key + ":", 0) == 0; });
}

}  // namespace

TEST_CASE("Young/Daly checkpoint interval", "[economics]") {
  // By hand: sqrt(2 x 60 x 36000) - 60 = 2078.46 - 60 = 2018.46 s.
  CHECK(study::young_daly_interval_s(60, 36000) == Approx(2018.46).epsilon(1e-5));
  // Daly 2006, Figs. 3 and 4 (delta = 5 min): his higher-order optimum is 117 min for M = 24 h
  // and 57 min for M = 6 h; the first-order sqrt(2 delta M) - delta gives 115 and 55 min.
  CHECK(study::young_daly_interval_s(5, 24 * 60) == Approx(117).epsilon(0.02));
  CHECK(study::young_daly_interval_s(5, 6 * 60) == Approx(57).epsilon(0.04));
  // A write of half the MTBF or more: checkpoint once per MTBF.
  CHECK(study::young_daly_interval_s(100, 150) == 150);
}

TEST_CASE("expected wall time with checkpoints, interruptions and restarts", "[economics]") {
  // T0 = 1000 h, tau = 1 h, delta = 0.1 h, R = 0.2 h, M = 10 h, by hand:
  // W = 10 e^0.02 (e^0.11 - 1) 1000 / 1 = 10 x 1.020201 x 0.116278 x 1000 = 1186.27 h.
  const double w = study::expected_wall_time_s(1000, 1, 0.1, 0.2, 10);
  CHECK(w == Approx(1186.27).epsilon(1e-5));
  // The first-order sum: 1000 (1 + 0.1) (1 + (0.2 + 1.1/2) / 10) = 1182.5 h.
  CHECK(w == Approx(1182.5).epsilon(0.005));
  // Interruptions so rare that only the checkpoint writes remain: T0 (1 + delta / tau).
  CHECK(study::expected_wall_time_s(1000, 1, 0.1, 0.2, 1e9) == Approx(1100).epsilon(1e-6));
}

TEST_CASE("job MTBF at 16,384 H100 from the Llama 3 failure rate", "[economics]") {
  // Dubey et al. 2024, Sec. 3.3.4: 419 unexpected interruptions in 54 days: 54 x 24 / 419 = 3.09 h.
  CHECK(study::job_mtbf_s(study::kLlama3FailuresPerAcceleratorDay, 16384) / 3600 ==
        Approx(54.0 * 24 / 419).epsilon(1e-9));
  CHECK(study::job_mtbf_s(study::kLlama3FailuresPerAcceleratorDay, 16384) / 3600 ==
        Approx(3.09).epsilon(0.001));
}

TEST_CASE("goodput of Llama 3.1 405B on 16,384 H100 is above 90 %, as Meta reports",
          "[economics]") {
  const auto s = quickstart(
      {"model=llama3.1-405b", "cluster.nodes=2048", "parallelism.pp=16", "parallelism.dp=128"});
  const auto e = study::economics(s, step_of(10, 8));
  const auto& g = e.goodput;
  // 405.85 B parameters x 14 B = 5.68 TB at 2 TB/s (Llama 3's Tectonic): 2.84 s a write.
  CHECK(g.checkpoint_bytes == Approx(405.85e9 * 14).epsilon(0.001));
  CHECK(g.checkpoint_write_s == Approx(405.85e9 * 14 / 2e12).epsilon(0.001));
  CHECK(g.mtbf_s == Approx(54.0 * 86400 / 419).epsilon(1e-9));
  // tau = sqrt(2 x 2.841 x 11135.1) - 2.841 = 248.7 s, R = 600 s. By hand, W / T0 =
  // 11135.1 e^(600/11135.1) (e^(251.53/11135.1) - 1) / 248.69 = 1.0796: goodput 0.9263; to
  // first order tau / (tau + delta) x (1 - (R + (tau + delta)/2) / M) = 0.98870 x 0.93483 = 0.9243.
  CHECK(g.checkpoint_interval_s == Approx(248.7).epsilon(0.001));
  CHECK(g.fraction == Approx(0.9263).epsilon(0.001));
  CHECK(g.fraction == Approx(0.9243).epsilon(0.005));
  CHECK(g.fraction > 0.90);  // Llama 3: "higher than 90% effective training time"
  // The parts add up: ideal + checkpoint writes + lost = effective; fraction = ideal / effective.
  CHECK(e.time_to_train_s + g.checkpointing_s + g.lost_s ==
        Approx(e.effective_time_to_train_s).epsilon(1e-12));
  CHECK(g.fraction == Approx(e.time_to_train_s / e.effective_time_to_train_s).epsilon(1e-12));
  CHECK(g.interruptions == Approx(e.effective_time_to_train_s / g.mtbf_s).epsilon(1e-12));
}

TEST_CASE("goodput given in the scenario replaces the defaults", "[economics]") {
  const auto s =
      quickstart({"goodput={failures_per_accelerator_day: 0.001, checkpoint_bandwidth: 100 GB/s, "
                  "checkpoint_interval: 1 h, restart: 20 min}"});
  const auto e = study::economics(s, step_of(8, 6));
  const auto& g = e.goodput;
  CHECK(g.mtbf_s == Approx(86400 / (0.001 * 1024)).epsilon(1e-12));  // 84,375 s
  CHECK(g.checkpoint_write_s == Approx(g.checkpoint_bytes / 100e9).epsilon(1e-12));
  CHECK(g.checkpoint_interval_s == 3600);
  CHECK(g.restart_s == 1200);
  CHECK(g.fraction ==
        Approx(1 / (study::expected_wall_time_s(1, 3600, g.checkpoint_write_s, 1200, g.mtbf_s)))
            .epsilon(1e-9));
  for (const char* key : {"goodput.failures_per_accelerator_day", "goodput.checkpoint_bandwidth",
                          "goodput.checkpoint_interval", "goodput.restart"})
    CHECK_FALSE(has_assumption(e, key));
}

TEST_CASE("goodput off: effective time is the ideal time", "[economics]") {
  const auto e = study::economics(quickstart({"goodput=false"}), step_of(8, 6));
  CHECK_FALSE(e.goodput.enabled);
  CHECK(e.goodput.fraction == 1);
  CHECK(e.effective_time_to_train_s == e.time_to_train_s);
  // 300e9 tokens / (1536 x 2048 tokens / 8 s) = 762,939 s.
  CHECK(e.time_to_train_s == Approx(300e9 / (1536.0 * 2048) * 8).epsilon(1e-12));
  CHECK_FALSE(has_assumption(e, "goodput.restart"));
}

TEST_CASE("no token budget: no time, energy or cost", "[economics]") {
  const auto e = study::economics(quickstart({"training.tokens=null"}), step_of(8, 6));
  CHECK(e.time_to_train_s == 0);
  CHECK(e.effective_time_to_train_s == 0);
  CHECK(e.goodput.fraction == 1);
  CHECK(e.accelerator_hours == 0);
  CHECK(e.energy_mwh == 0);
  CHECK(e.total_cost_usd == 0);
  CHECK_FALSE(e.priced);
}

TEST_CASE("power follows the busy share of the compute streams", "[economics]") {
  // H100 SXM, 700 W TDP, idle 10 % = 70 W: busy 0.8 -> 70 + 0.8 x 630 = 574 W.
  CHECK(study::accelerator_power_w(700, 0) == Approx(70));
  CHECK(study::accelerator_power_w(700, 1) == Approx(700));
  CHECK(study::accelerator_power_w(700, 0.8) == Approx(574));
  const auto e = study::economics(quickstart({"goodput=false"}), step_of(10, 8));
  const auto& p = e.power;
  REQUIRE(p.known);
  CHECK(p.busy_share == Approx(0.8));
  CHECK(p.accelerator_w == Approx(574));
  // DGX H100: 10.2 kW node (catalog) - 8 x 700 W = 4,600 W for host, NICs and NVSwitches.
  CHECK(p.node_other_w == Approx(4600));
  // 1,024 x 574 W + 128 x 4,600 W = 1,176,576 W.
  CHECK(p.it_w == Approx(1176576));
}

TEST_CASE("facility energy is IT power x PUE over the effective time", "[economics]") {
  const auto step = step_of(10, 8);
  const auto by_default = study::economics(quickstart(), step);
  CHECK(by_default.power.pue == Approx(1.3));  // the default
  CHECK(has_assumption(by_default, "cost.pue"));
  const auto e = study::economics(quickstart({"cost.pue=1.1"}), step);
  CHECK(e.power.facility_w == Approx(1.1 * 1176576));
  // MWh = W x s / 3.6e9.
  CHECK(e.energy_mwh == Approx(1.1 * 1176576 * e.effective_time_to_train_s / 3.6e9).epsilon(1e-12));
  CHECK_FALSE(has_assumption(e, "cost.pue"));
}

TEST_CASE("rent: accelerator-hours x the hourly rate", "[economics]") {
  const auto step = step_of(8, 6);
  const auto e = study::economics(quickstart({"cost.rent=2.5 USD/h"}), step);
  CHECK(e.pricing == config::CostSpec::Pricing::rent);
  CHECK(e.priced);
  CHECK(e.accelerator_hours == Approx(1024 * e.effective_time_to_train_s / 3600).epsilon(1e-12));
  CHECK(e.rent.total_usd == Approx(e.accelerator_hours * 2.5).epsilon(1e-12));
  CHECK(e.total_cost_usd == e.rent.total_usd);
  // Without a rate the catalog's H100 SXM rent applies (3.24 USD/h) and is listed.
  const auto d = study::economics(quickstart(), step);
  CHECK(d.rent.usd_per_accelerator_hour == Approx(3.24));
  CHECK(has_assumption(d, "cost.rent"));
  CHECK(has_assumption(d, "cost.pricing"));
}

TEST_CASE("buy: the run's share of the purchase plus electricity", "[economics]") {
  const auto step = step_of(8, 6);
  const auto e = study::economics(quickstart({"cost.pricing=buy"}), step);
  CHECK(e.pricing == config::CostSpec::Pricing::buy);
  REQUIRE(e.priced);
  const auto& b = e.buy;
  // 128 DGX H100 at 400,000 USD (catalog) + 1,024 NIC ports x 2,000 USD = 53,248,000 USD,
  // written off over 5 years of 365.25 days.
  CHECK(b.purchase_usd == Approx(53248000));
  CHECK(b.hardware_usd ==
        Approx(53248000 * e.effective_time_to_train_s / (5 * 365.25 * 86400)).epsilon(1e-12));
  CHECK(b.electricity_usd == Approx(e.energy_mwh * 1000 * 0.0806).epsilon(1e-12));
  CHECK(e.total_cost_usd == Approx(b.hardware_usd + b.electricity_usd).epsilon(1e-12));
  for (const char* key :
       {"cost.node_price", "cost.network_per_port", "cost.amortization", "cost.electricity"})
    CHECK(has_assumption(e, key));

  // Given prices: 8 x 30,000 USD accelerators a node, 1,500 USD a port, 4 years, 0.12 USD/kWh:
  // 128 x 240,000 + 1,024 x 1,500 = 32,256,000 USD.
  const auto g = study::economics(
      quickstart({"cost={pricing: buy, accelerator_price: 30000 USD, network_per_port: 1500 USD, "
                  "amortization: 4 years, electricity: 0.12 USD/kWh}"}),
      step);
  CHECK(g.buy.purchase_usd == Approx(32256000));
  CHECK(g.buy.hardware_usd ==
        Approx(32256000 * g.effective_time_to_train_s / (4 * 365.25 * 86400)).epsilon(1e-12));
  CHECK(g.buy.electricity_usd == Approx(g.energy_mwh * 1000 * 0.12).epsilon(1e-12));
  for (const char* key : {"cost.network_per_port", "cost.amortization", "cost.electricity"})
    CHECK_FALSE(has_assumption(g, key));
}

TEST_CASE("buy: the outlay and the run's amortized share, by hand", "[economics]") {
  // 1 M USD written off over 5 years at 80 % utilization, for one day: by hand
  // 1e6 x 86,400 / (5 x 0.8 x 365.25 x 86,400) = 1e6 / 1,461 = 684.46 USD.
  CHECK(study::amortized_share_usd(1e6, 86400, 5, 0.8) == Approx(684.46).epsilon(1e-5));

  const auto step = step_of(8, 6);
  const auto e = study::economics(
      quickstart({"cost={pricing: buy, amortization: 4 years, utilization: 0.5}"}), step);
  const auto& b = e.buy;
  REQUIRE(b.known);
  // 128 DGX H100 at the catalog's 400,000 USD a whole node + 1,024 ports x 2,000 USD.
  CHECK(b.nodes == 128);
  CHECK(b.network_ports == 1024);
  CHECK(b.purchase_usd == Approx(128 * 400000.0 + 1024 * 2000.0));
  // outlay x W / (years x utilization x 365.25 x 86,400 s).
  CHECK(b.hardware_usd ==
        Approx(53248000 * e.effective_time_to_train_s / (4 * 0.5 * 365.25 * 86400)).epsilon(1e-12));
  CHECK(b.utilization == 0.5);
  CHECK(b.basis == study::PriceBasis::whole_node);
  CHECK(b.basis_text == "price per node: 8 GPUs + host + NVSwitch; scale-out per port");
  CHECK_FALSE(has_assumption(e, "cost.utilization"));
  // Without a utilization, the floor: busy all its life, and the assumption says so.
  CHECK(
      has_assumption(study::economics(quickstart({"cost.pricing=buy"}), step), "cost.utilization"));
}

TEST_CASE("bad utilization is a ConfigError", "[economics]") {
  CHECK_THROWS_AS(quickstart({"cost.utilization=0"}), config::ConfigError);
  CHECK_THROWS_AS(quickstart({"cost.utilization=1.5"}), config::ConfigError);
}

TEST_CASE("a card price is not a node price", "[economics]") {
  // cost.accelerator_price prices the accelerators alone, and says so.
  const auto step = step_of(8, 6);
  const auto cards = study::economics(quickstart({"cost.accelerator_price=30000 USD"}), step);
  CHECK(cards.buy.basis == study::PriceBasis::accelerators_only);
  CHECK(cards.buy.basis_text ==
        "price per node: 8 GPUs only, no host or in-node network; scale-out per port");
  // A system with no node price is not bought from its cards' catalog price: an inline copy
  // of DGX H100 without a node price has none, though the H100 card has one (30,000 USD).
  const auto inline_system = study::economics(
      quickstart({"cluster.system={id: bare, name: bare, device: h100-sxm, "
                  "accelerators_per_node: 8, scale_up: {kind: nvswitch, link: nvlink4, "
                  "links_per_accelerator: 18, switches: 4}, scale_out: {link: ib-ndr, "
                  "nics_per_node: 8}}"}),
      step);
  CHECK_FALSE(inline_system.buy.known);
  CHECK(std::count(inline_system.missing.begin(), inline_system.missing.end(),
                   "no purchase price for bare") == 1);
}

namespace {

// The variants of scenarios/dgx-h100-vs-h200-vs-mi300x.yaml, each priced on a hand-made step.
std::vector<study::Economics> node_price_variants(const std::vector<std::string>& extra = {}) {
  const std::string path =
      std::string(DTSIM_SOURCE_DIR) + "/scenarios/dgx-h100-vs-h200-vs-mi300x.yaml";
  std::vector<study::Economics> out;
  for (const char* system : {"dgx-h100", "dgx-h200", "mi300x-platform"}) {
    auto overrides = extra;
    overrides.push_back(std::string("cluster.system=") + system);
    const auto s = config::load_scenario(path, overrides);
    // A 2 s step, 4M tokens: the same for all three (only the prices are under test).
    training::StepResult r;
    r.step_time_s = 2;
    r.tokens_per_s = 512.0 * 8192 / 2;
    r.breakdown.compute_s = 1.5;
    out.push_back(study::economics(s, r));
  }
  return out;
}

}  // namespace

TEST_CASE("DGX H100, DGX H200 and the MI300X platform are each bought as a whole node",
          "[economics]") {
  auto runs = node_price_variants();
  const std::vector<std::string> names = {"DGX H100", "DGX H200", "MI300X"};
  const auto footing = study::cost_footing(names, {&runs[0], &runs[1], &runs[2]});
  // Only the H100 has a rent price in the catalog: all three are bought, and compare says why.
  CHECK(footing.comparable);
  CHECK(footing.pricing == config::CostSpec::Pricing::buy);
  CHECK(footing.why ==
        "no rent price for h200-sxm in DGX H200; no rent price for mi300x in MI300X");
  // The catalog's whole-node prices (topology/catalog/systems.yaml): DGX H100 400k [E], DGX
  // H200 400k + 8 x (35k - 30k) = 440k [E], MI300X platform 8 x 12.5k + 25k host = 125k [E].
  const double node_usd[] = {400000, 440000, 125000};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    INFO(names[i]);
    const auto& b = runs[i].buy;
    REQUIRE(b.known);
    CHECK(b.basis == study::PriceBasis::whole_node);
    CHECK(b.node_price_usd == node_usd[i]);
    // 16 nodes + 128 scale-out ports x 2,000 USD.
    CHECK(b.purchase_usd == Approx(16 * node_usd[i] + 128 * 2000.0));
    CHECK(b.amortization_years == Approx(4));  // the scenario's cost section
    CHECK(b.utilization == 0.8);
  }
  CHECK(runs[0].buy.basis_text == "price per node: 8 GPUs + host + NVSwitch; scale-out per port");
  CHECK(runs[2].buy.basis_text ==
        "price per node: 8 GPUs + host + in-node mesh; scale-out per port");
  // The MI300X platform publishes no node power: the comparison names the missing figure.
  CHECK(std::count(runs[2].missing.begin(), runs[2].missing.end(),
                   "no node power for mi300x-platform") == 1);
}

TEST_CASE("a whole node is never set beside bare accelerators", "[economics]") {
  auto runs = node_price_variants();
  const auto cards = node_price_variants({"cost.accelerator_price=30000 USD"});
  runs[1] = cards[1];
  const auto footing = study::cost_footing({"A", "B", "C"}, {&runs[0], &runs[1], &runs[2]});
  CHECK_FALSE(footing.comparable);
  CHECK(footing.why.rfind("the purchase prices are on different bases", 0) == 0);
  // Rent for all when all have one, whatever their own pricing.
  auto rented = node_price_variants({"cost.rent=2 USD/h"});
  rented[1] =
      study::economics(config::load_scenario(std::string(DTSIM_SOURCE_DIR) +
                                                 "/scenarios/dgx-h100-vs-h200-vs-mi300x.yaml",
                                             {"cost.rent=2 USD/h", "cost.pricing=buy"}),
                       step_of(2, 1.5));
  const auto rent = study::cost_footing({"A", "B", "C"}, {&rented[0], &rented[1], &rented[2]});
  CHECK(rent.comparable);
  CHECK(rent.pricing == config::CostSpec::Pricing::rent);
  study::price_by(rented[1], rent.pricing);
  CHECK(rented[1].total_cost_usd == Approx(rented[1].rent.total_usd));
}

TEST_CASE("buy or rent, when every variant asks for its own", "[economics]") {
  // scenarios/buy-vs-rent.yaml's question: each run keeps the pricing its cost.pricing names.
  const auto rented = study::economics(quickstart({"cost.pricing=rent"}), step_of(8, 6));
  const auto bought = study::economics(quickstart({"cost.pricing=buy"}), step_of(8, 6));
  const auto asked = study::cost_footing({"rent", "buy"}, {&rented, &bought});
  CHECK(asked.comparable);
  CHECK(asked.each_own);
  // Left to the defaults (rent where known), the same two are put on one pricing.
  const auto by_default = study::economics(quickstart(), step_of(8, 6));
  const auto one = study::cost_footing({"default", "buy"}, {&by_default, &bought});
  CHECK(one.comparable);
  CHECK_FALSE(one.each_own);
  CHECK(one.pricing == config::CostSpec::Pricing::rent);
}

TEST_CASE("TPU chip power: v4 measured, later generations missing", "[economics]") {
  // TPU v4 paper (Jouppi et al., ISCA 2023) and the Cloud TPU v4 doc: measured min/mean/max chip
  // power 90/170/192 W; the max is the busy draw, as a GPU's TDP. (The paper's abstract gives
  // v4 over v3 as ratios only, 2.1x the performance and 2.7x the perf/W, so v4 draws about
  // 2.1 / 2.7 = 0.78 of v3's power; the watts are the table's.)
  const auto v4 =
      study::economics(quickstart({"cluster={system: tpu-v4, shape: 4x4x4}", "parallelism.tp=4",
                                   "parallelism.pp=4", "parallelism.dp=4"}),
                       step_of(10, 5));
  REQUIRE(v4.power.known);
  // Busy half the step: 19.2 W idle (10 % of 192) + 0.5 x (192 - 19.2) = 105.6 W.
  CHECK(v4.power.accelerator_w == Approx(105.6));
  // v5p has no published chip power (Google gives v6e and TPU7x only as ratios to v5e and v6e).
  const auto v5p =
      study::economics(quickstart({"cluster={system: tpu-v5p, shape: 4x4x4}", "parallelism.tp=4",
                                   "parallelism.pp=4", "parallelism.dp=4"}),
                       step_of(10, 5));
  CHECK_FALSE(v5p.power.known);
  CHECK(std::count(v5p.missing.begin(), v5p.missing.end(), "no power figure (TDP) for tpu-v5p") ==
        1);
  CHECK(std::count(v5p.missing.begin(), v5p.missing.end(), "no purchase price for tpu-v5p") == 1);
}

TEST_CASE("every default applied is listed with its source", "[economics]") {
  const auto e = study::economics(quickstart(), step_of(8, 6));
  for (const char* key :
       {"goodput.failures_per_accelerator_day", "goodput.checkpoint_bandwidth",
        "goodput.checkpoint_interval", "goodput.restart", "checkpoint", "power", "cost.pue",
        "cost.rent", "cost.pricing", "cost.node_price", "cost.network_per_port",
        "cost.amortization", "cost.utilization", "cost.electricity"}) {
    INFO(key);
    CHECK(has_assumption(e, key));
  }
}

TEST_CASE("no price known: not priced rather than free", "[economics]") {
  // HGX H800: neither the device nor the system has a price in the catalog.
  const auto e = study::economics(quickstart({"cluster.system=hgx-h800"}), step_of(8, 6));
  CHECK_FALSE(e.rent.known);
  CHECK_FALSE(e.buy.known);
  CHECK_FALSE(e.priced);
  CHECK(e.total_cost_usd == 0);
  CHECK(has_assumption(e, "cost"));
  CHECK(e.energy_mwh > 0);  // the power is still known
}

TEST_CASE("a zero failure rate is bad input: goodput: false says it", "[economics]") {
  CHECK_THROWS_AS(quickstart({"goodput.failures_per_accelerator_day=0"}), config::ConfigError);
}
