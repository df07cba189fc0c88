#pragma once
// The transfers moving bytes, by completion time: an indexed binary min-heap on (finish, start
// sequence) whose entries can be moved when a re-solve changes a rate, in O(log n), without
// leaving stale entries behind. Slots are small integers owned by the caller.
#include <cstdint>
#include <vector>

#include "dtsim/sim/engine/time.hpp"

namespace dtsim::network {

class CompletionHeap {
 public:
  struct Entry {
    engine::Time finish;
    std::uint64_t seq;  // earlier start first among equal finish times: deterministic order
    std::int32_t slot;
  };

  bool empty() const { return heap_.empty(); }
  const Entry& top() const { return heap_.front(); }
  // Inserts `slot`, or moves it if present.
  void set(std::int32_t slot, engine::Time finish, std::uint64_t seq);
  void pop();

 private:
  static bool before(const Entry& a, const Entry& b) {
    return a.finish != b.finish ? a.finish < b.finish : a.seq < b.seq;
  }
  void place(std::size_t i, const Entry& e);
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);

  std::vector<Entry> heap_;
  std::vector<std::int32_t> pos_;  // per slot: index in heap_, or -1
};

}  // namespace dtsim::network
