// Both network modes driven by the engine. Expected completion times are worked out in the
// comments from the capacities, sizes and latencies, in picoseconds (1 us = 1e6 ps).
#include "dtsim/sim/network/network.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "dtsim/sim/network/max_min.hpp"

using dtsim::engine::Engine;
using dtsim::engine::Time;
using dtsim::network::LinkLoad;
using dtsim::network::make_network;
using dtsim::network::Mode;
using dtsim::network::Network;
using dtsim::network::Transfer;

namespace {

// Records when each tagged transfer completes.
struct Done {
  Engine* engine;
  std::map<std::uint64_t, Time> at;
  static void record(void* self, std::uint64_t tag) {
    auto* d = static_cast<Done*>(self);
    d->at[tag] = d->engine->now();
  }
};

Transfer transfer(std::vector<LinkLoad> links, double bytes, Time latency = 0) {
  return Transfer{std::move(links), bytes, latency};
}

}  // namespace

TEST_CASE("two transfers through one NIC each get half of it", "[network]") {
  // 1 MB each over a 50 GB/s NIC: 25 GB/s each, done at 1e6 / 25e9 s = 40 us, together.
  Engine e;
  auto net = make_network(Mode::flow, e, {50e9});
  Done d{&e, {}};
  net->start(transfer({{0, 1}}, 1e6), Done::record, &d, 1);
  net->start(transfer({{0, 1}}, 1e6), Done::record, &d, 2);
  e.run();
  CHECK(d.at == std::map<std::uint64_t, Time>{{1, 40'000'000}, {2, 40'000'000}});
  CHECK(net->link_bytes_carried(0) == Approx(2e6));
}

TEST_CASE("a group of 3 member flows shares a link per flow with a single flow", "[network]") {
  // Link 4 GB/s, 4 flows: 1 GB/s each. 1000 bytes per flow: both done at 1 us. The link
  // carried 3 * 1000 + 1000 = 4000 bytes.
  Engine e;
  auto net = make_network(Mode::flow, e, {4e9});
  Done d{&e, {}};
  net->start(transfer({{0, 3}}, 1000), Done::record, &d, 1);
  net->start(transfer({{0, 1}}, 1000), Done::record, &d, 2);
  e.run();
  CHECK(d.at == std::map<std::uint64_t, Time>{{1, 1'000'000}, {2, 1'000'000}});
  CHECK(net->link_bytes_carried(0) == Approx(4000));
}

TEST_CASE("rates are re-solved when a flow ends: the long flow speeds up", "[network]") {
  // 1 GB/s link; short 1000 B and long 3000 B start together at 0.5 GB/s each. The short one
  // ends at 1000 / 0.5e9 = 2 us, the long one having moved 1000 B; its 2000 B left go at
  // 1 GB/s: 2 us more, done at 4 us (= (1000 + 3000) / 1e9, the link never idle).
  Engine e;
  auto net = make_network(Mode::flow, e, {1e9});
  Done d{&e, {}};
  net->start(transfer({{0, 1}}, 3000), Done::record, &d, 1);
  net->start(transfer({{0, 1}}, 1000), Done::record, &d, 2);
  e.run_until(1'000'000);
  CHECK(net->link_load_bytes_per_s(0) == 1e9);  // 2 flows * 0.5 GB/s
  CHECK(net->link_utilization(0) == 1.0);
  CHECK(net->link_bytes_carried(0) == Approx(1000));  // 1 us at 1 GB/s
  e.run();
  CHECK(d.at == std::map<std::uint64_t, Time>{{1, 4'000'000}, {2, 2'000'000}});
  CHECK(net->link_load_bytes_per_s(0) == 0);
  CHECK(net->link_bytes_carried(0) == Approx(4000));
}

TEST_CASE("latency is waited first, without bandwidth", "[network]") {
  // 1 MB with latency 2 us on an idle 100 GB/s link: 2 us + 1e6 / 1e11 s = 2 + 10 = 12 us.
  // Zero bytes with latency 3 us completes at 3 us.
  for (Mode mode : {Mode::flow, Mode::analytical}) {
    Engine e;
    auto net = make_network(mode, e, {100e9});
    Done d{&e, {}};
    net->start(transfer({{0, 1}}, 1e6, 2'000'000), Done::record, &d, 1);
    net->start(transfer({{0, 1}}, 0, 3'000'000), Done::record, &d, 2);
    e.run_until(1'000'000);
    CHECK(net->link_load_bytes_per_s(0) == 0);  // still in its latency
    e.run();
    CHECK(d.at == std::map<std::uint64_t, Time>{{1, 12'000'000}, {2, 3'000'000}});
  }
}

TEST_CASE("a transfer's max rate limits it below its links", "[network]") {
  // Alone on 1 GB/s but capped at 0.1 GB/s: 1000 B take 10 us.
  for (Mode mode : {Mode::flow, Mode::analytical}) {
    Engine e;
    auto net = make_network(mode, e, {1e9});
    Done d{&e, {}};
    Transfer t = transfer({{0, 1}}, 1000);
    t.max_rate_bytes_per_s = 1e8;
    net->start(t, Done::record, &d, 1);
    e.run();
    CHECK(d.at.at(1) == 10'000'000);
  }
}

TEST_CASE("analytical equals flow when nothing is shared, and is faster when it is", "[network]") {
  // Disjoint links with different capacities, weights, latencies and caps: each transfer is
  // alone, so both modes give latency + bytes / min(cap, capacity / flows), to the picosecond.
  const std::vector<double> capacities{10e9, 25e9, 50e9, 100e9, 400e9};
  const auto run = [&](Mode mode) {
    Engine e;
    auto net = make_network(mode, e, capacities);
    Done d{&e, {}};
    net->start(transfer({{0, 1}}, 12345, 1'000), Done::record, &d, 1);
    net->start(transfer({{1, 2}, {2, 3}}, 1e6, 700'000), Done::record, &d, 2);
    Transfer capped = transfer({{3, 1}}, 5e5, 3);
    capped.max_rate_bytes_per_s = 7e9;
    net->start(capped, Done::record, &d, 3);
    net->start(transfer({{4, 8}, {4, 8}}, 333, 0), Done::record, &d, 4);
    e.run();
    return d.at;
  };
  const auto flow = run(Mode::flow);
  CHECK(flow == run(Mode::analytical));
  // Transfer 2: min(25e9 / 2, 50e9 / 3) = 12.5 GB/s: 1e6 / 12.5e9 s = 80 us, + 0.7 us.
  CHECK(flow.at(2) == 80'700'000);

  // Shared: 1 MB each on one 50 GB/s link. Analytical ignores the other: 20 us each; flow
  // splits the link: 40 us each.
  for (Mode mode : {Mode::flow, Mode::analytical}) {
    Engine e;
    auto net = make_network(mode, e, {50e9});
    Done d{&e, {}};
    net->start(transfer({{0, 1}}, 1e6), Done::record, &d, 1);
    net->start(transfer({{0, 1}}, 1e6), Done::record, &d, 2);
    e.run();
    const Time expected = mode == Mode::flow ? 40'000'000 : 20'000'000;
    CHECK(d.at == std::map<std::uint64_t, Time>{{1, expected}, {2, expected}});
  }
}

TEST_CASE("re-solves touch only the component that changed, and batch one instant", "[network]") {
  // Links 0, 1, 2 of 1 GB/s. A (1000 B) crosses 0 and 1, B (3000 B) crosses 1: as in the
  // long/short case, A ends at 2 us and B at 4 us. C (500 B) crosses link 2 alone, starting
  // after 1.5 us of latency: 0.5 us at 1 GB/s, so it also ends at 2 us.
  // Solves: t=0 {A,B} (2 transfers), t=1.5us {C} (1: A and B not revisited), t=2us one solve
  // for both ends, {B} (1), t=4us B's end, nothing left (0): 4 solves, 4 transfers solved.
  Engine e;
  auto net = make_network(Mode::flow, e, {1e9, 1e9, 1e9});
  Done d{&e, {}};
  net->start(transfer({{0, 1}, {1, 1}}, 1000), Done::record, &d, 1);
  net->start(transfer({{1, 1}}, 3000), Done::record, &d, 2);
  net->start(transfer({{2, 1}}, 500, 1'500'000), Done::record, &d, 3);
  e.run();
  CHECK(d.at == std::map<std::uint64_t, Time>{{1, 2'000'000}, {2, 4'000'000}, {3, 2'000'000}});
  const auto s = net->stats();
  CHECK(s.transfers_started == 3);
  CHECK(s.transfers_completed == 3);
  CHECK(s.solves == 4);
  CHECK(s.transfers_solved == 4);
}

TEST_CASE("a completion callback may start the next transfer", "[network]") {
  // A chain of 3 transfers of 1000 B on a 1 GB/s link with 0.5 us latency each:
  // 1.5 us apiece, done at 1.5, 3 and 4.5 us.
  struct Chain {
    Engine* engine;
    Network* net;
    std::vector<Time> done;
    static void next(void* self, std::uint64_t left) {
      auto* c = static_cast<Chain*>(self);
      if (c->engine->now() > 0) c->done.push_back(c->engine->now());
      if (left > 0) c->net->start(transfer({{0, 1}}, 1000, 500'000), next, self, left - 1);
    }
  };
  for (Mode mode : {Mode::flow, Mode::analytical}) {
    Engine e;
    auto net = make_network(mode, e, {1e9});
    Chain c{&e, net.get(), {}};
    Chain::next(&c, 3);
    e.run();
    CHECK(c.done == std::vector<Time>{1'500'000, 3'000'000, 4'500'000});
  }
}

TEST_CASE("the same sequence run twice gives identical completion times", "[network]") {
  // 300 transfers of random sizes, weights, latencies and start times over 16 links, so that
  // components merge and split: two runs must agree to the picosecond. Every byte is
  // accounted for: the links carried sum over transfers of flows * bytes.
  struct Starter {
    Network* net;
    std::vector<Transfer> transfers;
    Done* done;
    static void go(void* self, std::uint64_t i) {
      auto* s = static_cast<Starter*>(self);
      s->net->start(s->transfers[i], Done::record, s->done, i);
    }
  };
  const auto run = [](double* carried, double* expected) {
    Engine e;
    auto net = make_network(Mode::flow, e, std::vector<double>(16, 1e9));
    Done d{&e, {}};
    Starter s{net.get(), {}, &d};
    std::mt19937 rng(7);
    *expected = 0;
    for (int i = 0; i < 300; ++i) {
      std::vector<LinkLoad> load;
      for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
        load.push_back({static_cast<int>(rng() % 16), 1 + static_cast<int>(rng() % 4)});
      }
      const double bytes = 1000.0 * (1 + rng() % 100);
      for (const LinkLoad& ll : load) *expected += ll.flows * bytes;
      s.transfers.push_back(transfer(load, bytes, static_cast<Time>(rng() % 1000)));
    }
    for (std::uint64_t i = 0; i < 300; ++i) {
      e.schedule_at(static_cast<Time>(rng() % 50'000'000), Starter::go, &s, i);
    }
    e.run();
    *carried = 0;
    for (int l = 0; l < 16; ++l) *carried += net->link_bytes_carried(l);
    return d.at;
  };
  double carried1 = 0, carried2 = 0, expected = 0;
  const auto first = run(&carried1, &expected);
  const auto second = run(&carried2, &expected);
  CHECK(first.size() == 300);
  CHECK(first == second);
  CHECK(carried1 == carried2);
  CHECK(carried1 == Approx(expected).epsilon(1e-9));
}

TEST_CASE("bad transfers are rejected before anything changes", "[network]") {
  for (Mode mode : {Mode::flow, Mode::analytical}) {
    Engine e;
    auto net = make_network(mode, e, {1e9});
    CHECK_THROWS_AS(net->start(transfer({{1, 1}}, 10), nullptr, nullptr, 0), std::out_of_range);
    CHECK_THROWS_AS(net->start(transfer({{0, 0}}, 10), nullptr, nullptr, 0), std::invalid_argument);
    CHECK_THROWS_AS(net->start(transfer({{0, 1}}, -1), nullptr, nullptr, 0), std::invalid_argument);
    CHECK(net->stats().transfers_started == 0);
    CHECK(e.empty());
  }
  Engine e;
  CHECK_THROWS_AS(make_network(Mode::flow, e, {1e9, 0}), std::invalid_argument);
}

TEST_CASE("incremental re-solves match a global solve of everything in flight", "[network]") {
  // Independent check of the incremental bookkeeping: at checkpoints, the link loads the flow
  // network reports must equal those of one max-min solve over all transfers moving bytes then
  // (begun: start + latency <= now; not yet completed), computed from scratch.
  constexpr int kLinks = 24, kTransfers = 200;
  Engine e;
  auto net = make_network(Mode::flow, e, std::vector<double>(kLinks, 1e9));
  Done d{&e, {}};
  std::mt19937 rng(99);
  std::vector<Transfer> all;
  std::vector<Time> begins;
  struct Starter {
    Network* net;
    std::vector<Transfer>* all;
    Done* done;
    static void go(void* self, std::uint64_t i) {
      auto* s = static_cast<Starter*>(self);
      s->net->start((*s->all)[i], Done::record, s->done, i);
    }
  } starter{net.get(), &all, &d};
  for (int i = 0; i < kTransfers; ++i) {
    std::vector<LinkLoad> load;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
      load.push_back({static_cast<int>(rng() % kLinks), 1 + static_cast<int>(rng() % 3)});
    }
    const Time at = static_cast<Time>(rng() % 20'000'000);
    all.push_back(transfer(load, 1000.0 * (1 + rng() % 50), static_cast<Time>(rng() % 100'000)));
    begins.push_back(at + all.back().latency);
    e.schedule_at(at, Starter::go, &starter, static_cast<std::uint64_t>(i));
  }
  for (Time t = 1'000'000; t <= 30'000'000; t += 1'000'000) {
    e.run_until(t);
    dtsim::network::MaxMinProblem p;
    for (int l = 0; l < kLinks; ++l) p.add_link(1e9);
    std::vector<int> moving;
    for (int i = 0; i < kTransfers; ++i) {
      if (begins[i] <= t && !d.at.count(static_cast<std::uint64_t>(i))) {
        p.add_transfer(all[i].links);
        moving.push_back(i);
      }
    }
    const std::vector<double> rates = dtsim::network::MaxMinSolver{}.solve(p);
    std::vector<double> load(kLinks, 0);
    for (std::size_t j = 0; j < moving.size(); ++j) {
      for (const LinkLoad& ll : all[moving[j]].links) load[ll.link] += ll.flows * rates[j];
    }
    for (int l = 0; l < kLinks; ++l) {
      CHECK(net->link_load_bytes_per_s(l) == Approx(load[l]).epsilon(1e-9).margin(1e-3));
    }
  }
  e.run();
  CHECK(d.at.size() == kTransfers);
}
