#include "dtsim/sim/collective/collective.hpp"

namespace dtsim::collective {

std::string to_string(Op op) {
  switch (op) {
    case Op::all_reduce: return "all-reduce";
    case Op::reduce_scatter: return "reduce-scatter";
    case Op::all_gather: return "all-gather";
    case Op::broadcast: return "broadcast";
    case Op::reduce: return "reduce";
    case Op::all_to_all: return "all-to-all";
    case Op::send_recv: return "send-recv";
  }
  return "?";
}

double bus_factor(Op op, int n) {
  switch (op) {
    case Op::all_reduce: return 2.0 * (n - 1) / n;
    case Op::reduce_scatter:
    case Op::all_gather:
    case Op::all_to_all: return static_cast<double>(n - 1) / n;
    default: return 1.0;
  }
}

}  // namespace dtsim::collective
