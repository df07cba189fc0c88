// A run's time, energy and cost from one simulated step (equations in economics.hpp).
#include "dtsim/sim/study/economics.hpp"

#include <algorithm>

#include "economics_parts.hpp"

namespace dtsim::study {
namespace {

using Pricing = config::CostSpec::Pricing;

// The scenario's choice, else rent where a rent price is known, else buy.
void choose_pricing(const config::Scenario& s, Economics& e) {
  if (s.cost.pricing) {
    e.pricing = *s.cost.pricing;
    e.pricing_given = true;
  } else {
    e.pricing = e.rent.known || !e.buy.known ? Pricing::rent : Pricing::buy;
    if (e.rent.known || e.buy.known)
      e.assumptions.push_back(e.pricing == Pricing::rent
                                  ? "cost.pricing: rent (a rent price is known)"
                                  : "cost.pricing: buy (no rent price is known)");
  }
  price_by(e, e.pricing);
  const bool rent = e.pricing == Pricing::rent;
  if (!e.priced)
    e.assumptions.push_back(
        rent ? "cost: no rent price (cost.rent, or the device's in the catalog): not priced"
             : "cost: no purchase price (cost.node_price, cost.accelerator_price, or the "
               "catalog's): not priced");
}

// The figures a comparison needs that the catalog and the scenario leave out.
std::vector<std::string> missing_figures(const config::Scenario& s, const Economics& e) {
  std::vector<std::string> missing;
  if (!e.rent.known) missing.push_back("no rent price for " + s.cluster.device.id);
  if (!e.buy.known) missing.push_back("no purchase price for " + s.cluster.system.id);
  if (!e.power.known) missing.push_back("no power figure (TDP) for " + s.cluster.device.id);
  if (!s.cluster.system.node_power_w) missing.push_back("no node power for " + s.cluster.system.id);
  return missing;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts)
    if (!p.empty()) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// "no rent price for h200-sxm in DGX H200": each run's missing figures of one kind.
std::string missing_of_kind(const std::vector<std::string>& names,
                            const std::vector<const Economics*>& runs, const std::string& kind) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < runs.size(); ++i)
    for (const auto& m : runs[i]->missing)
      if (m.rfind(kind, 0) == 0) parts.push_back(m + " in " + names[i]);
  return joined(parts);
}

}  // namespace

void price_by(Economics& e, Pricing pricing) {
  e.pricing = pricing;
  const bool rent = pricing == Pricing::rent;
  e.priced = rent ? e.rent.known : e.buy.known;
  e.total_cost_usd = !e.priced ? 0 : rent ? e.rent.total_usd : e.buy.total_usd;
}

CostFooting cost_footing(const std::vector<std::string>& names,
                         const std::vector<const Economics*>& runs) {
  auto all = [&](auto pred) { return std::all_of(runs.begin(), runs.end(), pred); };
  // The basis of the first run that has a purchase price; the others must share it.
  const auto first_bought =
      std::find_if(runs.begin(), runs.end(), [](const Economics* e) { return e->buy.known; });
  const auto basis =
      first_bought == runs.end() ? PriceBasis::whole_node : (*first_bought)->buy.basis;
  const bool one_basis =
      all([&](const Economics* e) { return !e->buy.known || e->buy.basis == basis; });
  const bool bought_one_basis =
      all([&](const Economics* e) { return e->pricing == Pricing::rent || e->buy.basis == basis; });
  const bool all_rent = all([](const Economics* e) { return e->rent.known; });
  const bool all_buy = all([](const Economics* e) { return e->buy.known; });
  const auto own = runs.empty() ? Pricing::rent : runs.front()->pricing;
  const bool own_priced = all([](const Economics* e) { return e->priced; });
  const bool shared = all([&](const Economics* e) { return e->pricing == own; });
  const bool all_chose = all([](const Economics* e) { return e->pricing_given; });
  if (own_priced && (shared || all_chose) && bought_one_basis) return {true, own, "", !shared};
  if (all_rent) return {true, Pricing::rent, missing_of_kind(names, runs, "no purchase")};
  if (all_buy && one_basis) return {true, Pricing::buy, missing_of_kind(names, runs, "no rent")};
  const std::string bases =
      all_buy ? "the purchase prices are on different bases (a whole node against the "
                "accelerators alone, cost.accelerator_price)"
              : "";
  return {false, own,
          joined({bases, missing_of_kind(names, runs, "no rent"),
                  all_buy ? "" : missing_of_kind(names, runs, "no purchase")})};
}

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
  e.missing = missing_figures(s, e);
  return e;
}

}  // namespace dtsim::study
