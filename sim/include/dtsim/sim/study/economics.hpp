#pragma once
// What a training run costs and how long it really takes: the token budget at the simulated
// step rate, stretched by checkpoints, failures and restarts (goodput), priced by renting or
// buying the cluster, with the energy it draws. Inputs are the scenario's `cost` and `goodput`
// sections; every figure they leave out comes from the catalog or a documented default, and is
// listed in `assumptions` with its source. docs/economics.md walks through an example.
//
// Ideal time: T0 = training.tokens / tokens per second of the simulated step.
//
// Goodput (Daly 2006, "A higher order estimate of the optimum checkpoint interval for restart
// dumps", FGCS 22:303-312, the model with Poisson interruptions and restart time):
//   M     = 1 / (lambda N)            job mean time between interruptions; lambda per accelerator
//   delta = C / B                     one checkpoint: C bytes (weights + Adam state) at B bytes/s
//   tau   = sqrt(2 delta M) - delta   for delta < M/2, else M (Daly's first-order optimum)
//   W     = M e^(R/M) (e^((tau + delta)/M) - 1) T0 / tau
// W is the expected wall time of T0/tau segments of tau compute and delta writing, each redone
// from its start when an interruption hits it, after a restart R that can itself be hit. To
// first order in (tau + delta)/M and R/M it is the sum a user would write down:
//   W ~ T0 (1 + delta/tau) (1 + (R + (tau + delta)/2) / M)
// the checkpoint writes, and per interruption a restart plus half a segment of lost work. The
// full W also counts interruptions that hit a restart or a redone segment, which the sum misses
// once R or tau approach M. goodput = T0 / W.
// C counts one copy of what a restart needs: 16-bit weights + fp32 master weights + two fp32
// Adam moments, 2 + 4 + 4 + 4 = 14 bytes per parameter (fp32 training: 4 + 4 + 4 = 12), the
// weights and optimizer of models/memory.hpp's mixed-precision layout without the gradients,
// for the parameters trained (LoRA: the adapters; the frozen base is already on storage).
//
// Power, at the step's utilization rather than nameplate:
//   u       = (compute + recompute + optimizer) / step time   busy share of the compute stream
//   P_acc   = P_idle + u (TDP - P_idle),  P_idle = kIdleShareOfTdp x TDP
//   P_other = node power - accelerators per node x TDP          host, NICs, in-node switches
//   P_IT    = N P_acc + nodes P_other;  facility power = P_IT x PUE;  energy = facility x W
//
// Cost:
//   rent   = N W / 3600 x rate per accelerator-hour (the rate includes power)
//   outlay = nodes x node price + scale-out ports x price per port
//   buy    = outlay x W / (amortization x utilization) + energy x electricity price
// The node price is on one basis for every catalog system: the whole node as sold
// (accelerators, host, in-node network and its NICs); the scale-out fabric behind the NICs is
// the price per port. The run's share assumes the cluster is written off over `amortization`
// years and busy `utilization` of them. Both costs are computed when their prices are known;
// `pricing` picks the total.
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/step_result.hpp"

namespace dtsim::study {

// Defaults, each with its source (docs/economics.md discusses them).
// [P] Dubey et al. 2024, "The Llama 3 Herd of Models", Sec. 3.3.4: 419 unexpected
// interruptions in a 54-day snapshot on 16,384 H100 (job MTBF 3.09 h).
inline constexpr double kLlama3FailuresPerAcceleratorDay = 419.0 / (54.0 * 16384);
// [D] Llama 3 Sec. 3.3.1: Tectonic sustains 2 TB/s (7 TB/s peak) of checkpoint writes for the
// 16,384-GPU job, 122 MB/s per GPU; [E] storage scaled with the accelerators it serves.
inline constexpr double kCheckpointBytesPerSPerAccelerator = 2e12 / 16384;
// [E] Detect (seconds for a crash, up to PyTorch's 10-minute NCCL timeout for a hang),
// reschedule onto spares, start processes and NCCL, reload the checkpoint: 10 minutes.
// Purpose-built recovery reaches 150 s at 4,800 accelerators (FlashRecovery, arXiv 2509.03047).
inline constexpr double kRestartS = 600;
// [M] Idle draw: public nvidia-smi output shows H100 SXM at 68-73 W of 700 W and A100 SXM at
// 42-51 W of 400 W (P0, no work): ~10 % of TDP. A lower bound while NCCL kernels run.
inline constexpr double kIdleShareOfTdp = 0.10;
// [E] Uptime Institute Global Data Center Survey 2024: newer, larger facilities reach 1.3 or
// better, against a flat industry average of 1.56-1.58 held up by legacy sites.
inline constexpr double kPue = 1.3;
// [M] EIA: average US industrial electricity price 2023, 8.06 cents/kWh.
inline constexpr double kUsdPerKwh = 0.0806;
// [E] Book life of servers in 10-K filings: Amazon 5 years (a subset cut back from 6 in 2025,
// citing the pace of AI), Meta 5.5, Microsoft and Alphabet 6; accelerators age fastest, so the
// short end.
inline constexpr double kAmortizationYears = 5;
// [E] Busy all its life: the floor of the run's share (half the utilization doubles it).
inline constexpr double kUtilization = 1.0;
// [E] Fabric per scale-out port, NICs excluded (they come with the node): a 1,024-GPU NDR fat
// tree needs ~48 Quantum-2 switches (0.55-0.75 M USD) and 1.2-1.6 M USD of optics (yobitel
// InfiniBand NDR sizing note): ~1.7-2.3 k USD per GPU port.
inline constexpr double kNetworkUsdPerPort = 2000;

struct Goodput {
  bool enabled = false;
  double failures_per_accelerator_day = 0;  // lambda
  double mtbf_s = 0;                        // M: the whole job
  double checkpoint_bytes = 0;              // C: one copy, all ranks together
  double checkpoint_bytes_per_s = 0;        // B: storage write bandwidth for the job
  double checkpoint_write_s = 0;            // delta
  double checkpoint_interval_s = 0;         // tau: compute between checkpoints
  double restart_s = 0;                     // R: from an interruption to training again
  double interruptions = 0;                 // expected over the run: W / M
  double checkpointing_s = 0;               // writing checkpoints over the run: T0 delta / tau
  double lost_s = 0;                        // rework and restarts: W - T0 - checkpointing
  double fraction = 1;                      // T0 / W
};

struct Power {
  bool known = false;        // the device has a TDP
  double busy_share = 0;     // u: compute, recompute and optimizer over the step time
  double accelerator_w = 0;  // one accelerator, mean over the step
  double node_other_w = 0;   // per node: everything but the accelerators
  double it_w = 0;           // the whole cluster
  double pue = 0;
  double facility_w = 0;  // IT x PUE
};

struct RentCost {
  bool known = false;  // a rate was given or the catalog has one
  double usd_per_accelerator_hour = 0;
  double total_usd = 0;
};

// What a node price covers: the catalog's (and cost.node_price) the whole node, a scenario's
// cost.accelerator_price the accelerators alone.
enum class PriceBasis { whole_node, accelerators_only };

struct BuyCost {
  bool known = false;  // a node or accelerator price was given or is in the catalog
  PriceBasis basis = PriceBasis::whole_node;
  std::string basis_text;    // "price per node: 8 GPUs + host + NVSwitch; scale-out per port"
  std::string price_source;  // where the node price comes from, with its tag
  int nodes = 0;
  double node_price_usd = 0;
  int network_ports = 0;  // scale-out NIC ports
  double network_usd_per_port = 0;
  double purchase_usd = 0;  // the outlay: nodes x node price + ports x price per port
  double amortization_years = 0;
  double utilization = 0;   // share of those years the cluster is busy
  double hardware_usd = 0;  // the run's share: outlay x W / (amortization x utilization)
  double usd_per_kwh = 0;
  double electricity_usd = 0;  // facility energy x price
  double total_usd = 0;
};

struct Economics {
  double time_to_train_s = 0;            // T0: tokens / (tokens per second), no interruptions
  double effective_time_to_train_s = 0;  // W: with checkpoints, failures and restarts
  Goodput goodput;
  double accelerator_hours = 0;  // N W / 3600
  Power power;
  double energy_mwh = 0;  // facility energy over W
  RentCost rent;
  BuyCost buy;
  config::CostSpec::Pricing pricing = config::CostSpec::Pricing::rent;
  bool pricing_given = false;            // cost.pricing chose it, not the default
  bool priced = false;                   // the chosen pricing's prices are known
  double total_cost_usd = 0;             // rent.total_usd or buy.total_usd
  std::vector<std::string> missing;      // "no rent price for h200-sxm", ...: figures not known
  std::vector<std::string> assumptions;  // every default applied, with its source
};

// All times, energy and costs are zero when the scenario gives no token budget
// (`training.tokens`); goodput's fraction is then 1.
Economics economics(const config::Scenario& scenario, const training::StepResult& step);

// Makes `pricing` the total: total_cost_usd and priced follow it.
void price_by(Economics& e, config::CostSpec::Pricing pricing);

// How the costs of several runs (compare's variants) can stand side by side: one pricing for
// all, or each its own where every run's cost.pricing asks for it (buy or rent?), and among
// the bought never a whole node beside bare accelerators. Their own pricing when each is
// priced by it and they share it (or all chose it); else rent when every run has a rent
// price; else buy when every run has a purchase price on one basis; else not comparable.
struct CostFooting {
  bool comparable = false;
  config::CostSpec::Pricing pricing = config::CostSpec::Pricing::rent;
  // Why the runs' own pricing was not kept: the figures missing where ("no rent price for
  // h200-sxm in DGX H200"), and bases that differ. Empty when their own pricing stands.
  std::string why;
  bool each_own = false;  // comparable with each run at its own cost.pricing (rent or buy?)
};
// names[i] labels runs[i] in `why`.
CostFooting cost_footing(const std::vector<std::string>& names,
                         const std::vector<const Economics*>& runs);

// The closed forms above, on bare numbers (seconds, watts).
double job_mtbf_s(double failures_per_accelerator_day, int accelerators);
double young_daly_interval_s(double write_s, double mtbf_s);
double expected_wall_time_s(double ideal_s, double interval_s, double write_s, double restart_s,
                            double mtbf_s);
double accelerator_power_w(double tdp_w, double busy_share);
// The run's share of an outlay: outlay x wall / (years x utilization), a year of 365.25 days.
double amortized_share_usd(double outlay_usd, double wall_s, double years, double utilization);

}  // namespace dtsim::study
