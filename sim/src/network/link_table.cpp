#include "link_table.hpp"

#include <cmath>
#include <stdexcept>

namespace dtsim::network {

LinkTable::LinkTable(std::vector<double> capacity_bytes_per_s)
    : capacity_(std::move(capacity_bytes_per_s)),
      meter_(capacity_.size()),
      merged_at_(capacity_.size(), -1) {
  for (double c : capacity_) {
    if (!(c > 0) || std::isinf(c)) {
      throw std::invalid_argument("network: link capacity must be positive and finite");
    }
  }
}

double LinkTable::carried(LinkId l, engine::Time now) const {
  const Meter& m = meter_.at(l);
  return m.carried_bytes + m.load_bytes_per_s * engine::to_seconds(now - m.since);
}

void LinkTable::set_load(LinkId l, double load_bytes_per_s, engine::Time now) {
  Meter& m = meter_[l];
  m.carried_bytes = carried(l, now);
  m.since = now;
  m.load_bytes_per_s = load_bytes_per_s;
}

void LinkTable::merge_load(const Transfer& t, std::vector<LinkLoad>& out) {
  if (!(t.bytes_per_flow >= 0) || std::isinf(t.bytes_per_flow)) {
    throw std::invalid_argument("network: bytes_per_flow must be finite and >= 0");
  }
  if (t.latency < 0) throw std::invalid_argument("network: latency must be >= 0");
  if (!(t.max_rate_bytes_per_s > 0)) throw std::invalid_argument("network: max rate must be > 0");
  out.clear();
  for (const LinkLoad& ll : t.links) {
    if (ll.link < 0 || ll.link >= size()) throw std::out_of_range("network: unknown link");
    if (ll.flows < 1) throw std::invalid_argument("network: a link load needs at least 1 flow");
  }
  for (const LinkLoad& ll : t.links) {
    std::int32_t& at = merged_at_[ll.link];
    if (at < 0) {
      at = static_cast<std::int32_t>(out.size());
      out.push_back(ll);
    } else {
      out[at].flows += ll.flows;
    }
  }
  for (const LinkLoad& ll : out) merged_at_[ll.link] = -1;
}

engine::Time transfer_duration(double bytes, double rate_bytes_per_s) {
  const double ps = bytes / rate_bytes_per_s * static_cast<double>(engine::kPicosecondsPerSecond);
  if (ps >= 9.0e18) throw std::overflow_error("network: transfer ends past the engine's range");
  return static_cast<engine::Time>(std::llround(ps));
}

}  // namespace dtsim::network
