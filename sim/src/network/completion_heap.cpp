#include "completion_heap.hpp"

namespace dtsim::network {

void CompletionHeap::set(std::int32_t slot, engine::Time finish, std::uint64_t seq) {
  if (static_cast<std::size_t>(slot) >= pos_.size()) pos_.resize(slot + 1, -1);
  const Entry e{finish, seq, slot};
  if (pos_[slot] < 0) {
    heap_.push_back(e);
    pos_[slot] = static_cast<std::int32_t>(heap_.size() - 1);
    sift_up(heap_.size() - 1);
    return;
  }
  const std::size_t i = pos_[slot];
  const bool earlier = before(e, heap_[i]);
  heap_[i] = e;
  if (earlier) {
    sift_up(i);
  } else {
    sift_down(i);
  }
}

void CompletionHeap::pop() {
  pos_[heap_.front().slot] = -1;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (heap_.empty()) return;
  place(0, last);
  sift_down(0);
}

void CompletionHeap::place(std::size_t i, const Entry& e) {
  heap_[i] = e;
  pos_[e.slot] = static_cast<std::int32_t>(i);
}

void CompletionHeap::sift_up(std::size_t i) {
  const Entry e = heap_[i];
  while (i > 0 && before(e, heap_[(i - 1) / 2])) {
    place(i, heap_[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  place(i, e);
}

void CompletionHeap::sift_down(std::size_t i) {
  const Entry e = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], e)) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, e);
}

}  // namespace dtsim::network
