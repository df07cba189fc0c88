#pragma once
// Internal: the parts economics() assembles (equations in dtsim/sim/study/economics.hpp). Each
// appends the defaults it applies, with their sources, to `assumptions`.
#include <optional>
#include <string>
#include <vector>

#include "dtsim/sim/study/economics.hpp"

namespace dtsim::study {

using Assumptions = std::vector<std::string>;

// The scenario's figure when it gives one; else `fallback`, with `note` (the default and its
// source) added to the assumptions.
inline double given_or(const std::optional<double>& given, double fallback, std::string note,
                       Assumptions& assumptions) {
  if (given) return *given;
  assumptions.push_back(std::move(note));
  return fallback;
}

// Goodput over a run of `ideal_s` seconds of training; disabled: fraction 1, no parts.
Goodput goodput_of(const config::Scenario& scenario, double ideal_s, Assumptions& assumptions);

// The cluster's mean draw over the step, from the busy share of the compute streams.
Power power_of(const config::Scenario& scenario, const training::StepResult& step,
               Assumptions& assumptions);

RentCost rent_of(const config::Scenario& scenario, double accelerator_hours,
                 Assumptions& assumptions);

// The run's share of buying the cluster, `wall_s` of its life, plus the electricity.
BuyCost buy_of(const config::Scenario& scenario, double wall_s, double facility_kwh,
               Assumptions& assumptions);

}  // namespace dtsim::study
