// A run's time, energy and cost from one simulated step (equations in economics.hpp).
#include "dtsim/sim/study/economics.hpp"

#include "economics_parts.hpp"

namespace dtsim::study {
namespace {

using Pricing = config::CostSpec::Pricing;

// The scenario's choice, else rent where a rent price is known, else buy.
void choose_pricing(const config::Scenario& s, Economics& e) {
  if (s.cost.pricing) {
    e.pricing = *s.cost.pricing;
  } else {
    e.pricing = e.rent.known || !e.buy.known ? Pricing::rent : Pricing::buy;
    if (e.rent.known || e.buy.known)
      e.assumptions.push_back(e.pricing == Pricing::rent
                                  ? "cost.pricing: rent (a rent price is known)"
                                  : "cost.pricing: buy (no rent price is known)");
  }
  const bool rent = e.pricing == Pricing::rent;
  e.priced = rent ? e.rent.known : e.buy.known;
  e.total_cost_usd = rent ? e.rent.total_usd : e.buy.total_usd;
  if (!e.priced)
    e.assumptions.push_back(
        rent ? "cost: no rent price (cost.rent, or the device's in the catalog): not priced"
             : "cost: no purchase price (cost.node_price, cost.accelerator_price, or the "
               "catalog's): not priced");
}

}  // namespace

Economics economics(const config::Scenario& s, const training::StepResult& step) {
  Economics e;
  if (s.training.tokens <= 0 || step.tokens_per_s <= 0) {
    e.assumptions.push_back("training.tokens: no token budget: no time, energy or cost to train");
    return e;
  }
  e.time_to_train_s = s.training.tokens / step.tokens_per_s;
  e.goodput = goodput_of(s, e.time_to_train_s, e.assumptions);
  e.effective_time_to_train_s = e.time_to_train_s + e.goodput.checkpointing_s + e.goodput.lost_s;
  e.accelerator_hours = s.cluster.accelerators * e.effective_time_to_train_s / 3600;

  e.power = power_of(s, step, e.assumptions);
  const double facility_kwh = e.power.facility_w * e.effective_time_to_train_s / 3600 / 1000;
  e.energy_mwh = facility_kwh / 1000;

  e.rent = rent_of(s, e.accelerator_hours, e.assumptions);
  e.buy = buy_of(s, e.effective_time_to_train_s, facility_kwh, e.assumptions);
  choose_pricing(s, e);
  return e;
}

}  // namespace dtsim::study
