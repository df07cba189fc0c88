#include "dtsim/sim/training/rank_layout.hpp"

namespace dtsim::training {
namespace {
template <class Set>
std::vector<int> group(const RankLayout& layout, RankCoord c, int size, Set set) {
  std::vector<int> ranks;
  for (int i = 0; i < size; ++i) {
    set(c, i);
    ranks.push_back(layout.rank(c));
  }
  return ranks;
}
}  // namespace

std::vector<int> RankLayout::tp_group(RankCoord c) const {
  return group(*this, c, plan_.tp, [](RankCoord& x, int i) { x.tp = i; });
}
std::vector<int> RankLayout::cp_group(RankCoord c) const {
  return group(*this, c, plan_.cp, [](RankCoord& x, int i) { x.cp = i; });
}
std::vector<int> RankLayout::dp_group(RankCoord c) const {
  return group(*this, c, plan_.dp, [](RankCoord& x, int i) { x.dp = i; });
}
std::vector<int> RankLayout::dp_cp_group(RankCoord c) const {
  return group(*this, c, plan_.dp * plan_.cp, [&](RankCoord& x, int i) {
    x.cp = i % plan_.cp;
    x.dp = i / plan_.cp;
  });
}

std::vector<int> RankLayout::ep_group(RankCoord c) const {
  const int first = (c.cp + plan_.cp * c.dp) / plan_.ep * plan_.ep;
  return group(*this, c, plan_.ep, [&](RankCoord& x, int i) {
    x.cp = (first + i) % plan_.cp;
    x.dp = (first + i) / plan_.cp;
  });
}
std::vector<int> RankLayout::shard_group(RankCoord c) const {
  const int zs = plan_.shard_group(), first = c.dp / zs * zs;
  return group(*this, c, plan_.shard_ranks(), [&](RankCoord& x, int i) {
    x.cp = i % plan_.cp;
    x.dp = first + i / plan_.cp;
  });
}
std::vector<int> RankLayout::replica_group(RankCoord c) const {
  const int zs = plan_.shard_group(), offset = c.dp % zs;
  return group(*this, c, plan_.dp / zs, [&](RankCoord& x, int i) { x.dp = offset + i * zs; });
}

}  // namespace dtsim::training
