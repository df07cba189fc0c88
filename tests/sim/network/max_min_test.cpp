// The max-min solver on bare numbers: no engine, no topology. Expected rates are worked out by
// hand in the comments, round by round of progressive filling.
#include "dtsim/sim/network/max_min.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <vector>

using dtsim::network::kUnlimitedBytesPerSecond;
using dtsim::network::LinkLoad;
using dtsim::network::MaxMinProblem;
using dtsim::network::MaxMinSolver;

namespace {
std::vector<double> solve(const MaxMinProblem& p) {
  return MaxMinSolver{}.solve(p);
}
}  // namespace

TEST_CASE("classic: one long flow over three unit links, one short flow on each", "[max-min]") {
  // Bertsekas & Gallager's first example: every link carries A plus one short flow, so every
  // link saturates at level 1/2 in the first round and all four flows get 1/2.
  MaxMinProblem p;
  for (int i = 0; i < 3; ++i) p.add_link(1.0);
  p.add_transfer(std::vector<LinkLoad>{{0, 1}, {1, 1}, {2, 1}});  // A
  p.add_transfer(std::vector<LinkLoad>{{0, 1}});                  // B
  p.add_transfer(std::vector<LinkLoad>{{1, 1}});                  // C
  p.add_transfer(std::vector<LinkLoad>{{2, 1}});                  // D
  CHECK(solve(p) == std::vector<double>{0.5, 0.5, 0.5, 0.5});
}

TEST_CASE("unequal capacities freeze in three rounds", "[max-min]") {
  // Links a=1, b=3, c=2. Flows: f1 {a,b}, f2 {a}, f3 {b,c}, f4 {b}, f5 {c}.
  // Round 1: levels a 1/2, b 3/3, c 2/2: a saturates at 1/2, freezing f1 and f2.
  // Round 2: b has 3 - 1/2 = 5/2 left for f3, f4: 5/4; c still 2/2 = 1: c saturates at 1,
  //          freezing f3 and f5.
  // Round 3: b has 5/2 - 1 = 3/2 left for f4 alone: f4 = 3/2.
  // Check: a 1/2+1/2 = 1, b 1/2+1+3/2 = 3, c 1+1 = 2, all saturated; each flow is largest on
  // some saturated link it crosses (f1, f2 on a; f3, f5 on c; f4 on b): max-min fair.
  MaxMinProblem p;
  const auto a = p.add_link(1.0), b = p.add_link(3.0), c = p.add_link(2.0);
  p.add_transfer(std::vector<LinkLoad>{{a, 1}, {b, 1}});
  p.add_transfer(std::vector<LinkLoad>{{a, 1}});
  p.add_transfer(std::vector<LinkLoad>{{b, 1}, {c, 1}});
  p.add_transfer(std::vector<LinkLoad>{{b, 1}});
  p.add_transfer(std::vector<LinkLoad>{{c, 1}});
  CHECK(solve(p) == std::vector<double>{0.5, 0.5, 1.0, 1.5, 1.0});
}

TEST_CASE("two transfers forced through one NIC get half of it each", "[max-min]") {
  // Issue 4's check: a 50 GB/s NIC shared by two flows: 25 GB/s each, whatever else they cross
  // (here each also crosses its own 400 GB/s link, which never binds).
  MaxMinProblem p;
  const auto nic = p.add_link(50e9);
  const auto x = p.add_link(400e9), y = p.add_link(400e9);
  p.add_transfer(std::vector<LinkLoad>{{x, 1}, {nic, 1}});
  p.add_transfer(std::vector<LinkLoad>{{nic, 1}, {y, 1}});
  CHECK(solve(p) == std::vector<double>{25e9, 25e9});
}

TEST_CASE("a group of 3 member flows and a single flow share per flow", "[max-min]") {
  // Link C = 12 carries 3 + 1 = 4 flows: level 12/4 = 3 per flow, i.e. C/4 for the single
  // flow and for each member of the group (the group as a whole takes 9 = 3C/4).
  MaxMinProblem p;
  const auto l = p.add_link(12.0);
  p.add_transfer(std::vector<LinkLoad>{{l, 3}});
  p.add_transfer(std::vector<LinkLoad>{{l, 1}});
  CHECK(solve(p) == std::vector<double>{3.0, 3.0});
}

TEST_CASE("a link listed twice in one transfer counts its flows summed", "[max-min]") {
  // {l,1} + {l,2} is {l,3}: same answer as the previous case.
  MaxMinProblem p;
  const auto l = p.add_link(12.0);
  p.add_transfer(std::vector<LinkLoad>{{l, 1}, {l, 2}});
  p.add_transfer(std::vector<LinkLoad>{{l, 1}});
  CHECK(solve(p) == std::vector<double>{3.0, 3.0});
}

TEST_CASE("a max rate freezes a transfer early and frees capacity for others", "[max-min]") {
  // Link 10 shared by A (max 2) and B: the level reaches 2 before the link's 10/2 = 5, so A
  // freezes at 2; B takes the remaining 10 - 2 = 8.
  MaxMinProblem p;
  const auto l = p.add_link(10.0);
  p.add_transfer(std::vector<LinkLoad>{{l, 1}}, 2.0);
  p.add_transfer(std::vector<LinkLoad>{{l, 1}});
  CHECK(solve(p) == std::vector<double>{2.0, 8.0});

  // A max rate of 7, above the fair share 5, does not bind.
  MaxMinProblem q;
  const auto m = q.add_link(10.0);
  q.add_transfer(std::vector<LinkLoad>{{m, 1}}, 7.0);
  q.add_transfer(std::vector<LinkLoad>{{m, 1}});
  CHECK(solve(q) == std::vector<double>{5.0, 5.0});
}

TEST_CASE("a transfer crossing no link gets its max rate, or no limit", "[max-min]") {
  MaxMinProblem p;
  p.add_transfer({}, 4.0);
  p.add_transfer({});
  CHECK(solve(p) == std::vector<double>{4.0, kUnlimitedBytesPerSecond});
}

TEST_CASE("random problems satisfy the bottleneck characterization", "[max-min]") {
  // Independent check (Bertsekas & Gallager, prop. 6.5.1): rates are max-min fair iff they are
  // feasible and every transfer either sits at its max rate or crosses a saturated link on
  // which no transfer has a higher rate.
  std::mt19937 rng(12345);
  for (int round = 0; round < 50; ++round) {
    MaxMinProblem p;
    const int links = 1 + static_cast<int>(rng() % 12);
    for (int l = 0; l < links; ++l) p.add_link(1.0 + static_cast<double>(rng() % 100));
    const int transfers = 1 + static_cast<int>(rng() % 20);
    for (int t = 0; t < transfers; ++t) {
      std::vector<LinkLoad> load;
      for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n; ++k) {
        load.push_back({static_cast<int>(rng() % links), 1 + static_cast<int>(rng() % 3)});
      }
      p.add_transfer(
          load, rng() % 4 == 0 ? 1.0 + static_cast<double>(rng() % 20) : kUnlimitedBytesPerSecond);
    }
    const std::vector<double> r = solve(p);
    std::vector<double> used(links, 0), top(links, 0);
    for (int t = 0; t < transfers; ++t) {
      for (const LinkLoad& ll : p.load(t)) {
        used[ll.link] += ll.flows * r[t];
        top[ll.link] = std::max(top[ll.link], r[t]);
      }
    }
    const double tol = 1e-9;
    for (int l = 0; l < links; ++l) CHECK(used[l] <= p.capacity(l) * (1 + tol));
    for (int t = 0; t < transfers; ++t) {
      bool bottleneck = r[t] >= p.max_rate(t) * (1 - tol);
      for (const LinkLoad& ll : p.load(t)) {
        bottleneck = bottleneck || (used[ll.link] >= p.capacity(ll.link) * (1 - tol) &&
                                    r[t] >= top[ll.link] * (1 - tol));
      }
      CHECK(bottleneck);
    }
  }
}
