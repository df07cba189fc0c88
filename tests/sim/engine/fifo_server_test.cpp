#include "dtsim/sim/engine/fifo_server.hpp"

#include <catch2/catch.hpp>
#include <vector>

using dtsim::engine::Engine;
using dtsim::engine::FifoServer;
using dtsim::engine::Time;

namespace {
struct Log {
  Engine* engine;
  std::vector<std::pair<std::uint64_t, Time>> done;
  void record(std::uint64_t tag) { done.emplace_back(tag, engine->now()); }
};
void record(void* log, std::uint64_t tag) {
  static_cast<Log*>(log)->record(tag);
}
}  // namespace

TEST_CASE("a FIFO server runs jobs one at a time in arrival order", "[engine]") {
  Engine e;
  Log log{&e, {}};
  FifoServer server(e);
  // Three jobs at t=0 of 5, 3 and 2 ps end at 5, 5+3 = 8 and 8+2 = 10.
  server.submit(5, record, &log, 1);
  server.submit(3, record, &log, 2);
  server.submit(2, record, &log, 3);
  CHECK(server.busy());
  CHECK(server.waiting() == 2);
  e.run();
  CHECK(log.done == std::vector<std::pair<std::uint64_t, Time>>{{1, 5}, {2, 8}, {3, 10}});
  CHECK(server.busy_time() == 10);

  // Idle from 10 to 20: a job of 4 submitted at 20 starts at once and ends at 24. Half-way,
  // at 22, the server has been busy 10 + 2 = 12; at the end 10 + 4 = 14.
  e.run_until(20);
  server.submit(4, record, &log, 4);
  e.run_until(22);
  CHECK(server.busy_time() == 12);
  e.run();
  CHECK(log.done.back() == std::pair<std::uint64_t, Time>{4, 24});
  CHECK(server.busy_time() == 14);
  CHECK_FALSE(server.busy());
}

TEST_CASE("a job submitted by a callback queues behind the jobs already waiting", "[engine]") {
  struct Resubmit {
    Engine* engine;
    FifoServer* server;
    std::vector<std::pair<std::uint64_t, Time>> done;
    static void on_done(void* self, std::uint64_t tag) {
      auto* r = static_cast<Resubmit*>(self);
      r->done.emplace_back(tag, r->engine->now());
      if (tag == 1) r->server->submit(1, on_done, self, 3);
    }
  };
  Engine e;
  FifoServer server(e);
  Resubmit r{&e, &server, {}};
  // Job 1 (2 ps) then job 2 (2 ps); job 3 (1 ps), submitted when job 1 ends at 2, runs after
  // job 2: 2, 2+2 = 4, 4+1 = 5.
  server.submit(2, Resubmit::on_done, &r, 1);
  server.submit(2, Resubmit::on_done, &r, 2);
  e.run();
  CHECK(r.done == std::vector<std::pair<std::uint64_t, Time>>{{1, 2}, {2, 4}, {3, 5}});
}
