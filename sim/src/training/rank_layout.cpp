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

}  // namespace dtsim::training
