#pragma once
// What a communication is, independent of how it is carried out.
#include <cstdint>
#include <string>
#include <vector>

namespace dtsim::collective {

enum class Op : std::uint8_t {
  all_reduce,
  reduce_scatter,
  all_gather,
  broadcast,
  reduce,
  all_to_all,
  send_recv,
};

// A communication among `ranks` (global accelerator indices). `bytes` follows nccl-tests:
// the whole buffer (all-reduce, broadcast, reduce), the gathered output (all-gather), the
// input before scattering (reduce-scatter), what each rank sends in total (all-to-all), or
// the message (send/recv from ranks[0] to ranks[1]).
// `replicas` folds identical groups into one: the same collective also runs, at the same
// time, on the groups `ranks + offset` for each offset listed (a replicated tensor-parallel
// all-reduce in every data-parallel replica, say). Empty means the group alone.
struct CommSpec {
  Op op = Op::all_reduce;
  double bytes = 0;
  std::vector<int> ranks;
  std::vector<int> replicas;
};

std::string to_string(Op op);

// nccl-tests bus-bandwidth factor: busbw = algbw * factor (all-reduce 2(n-1)/n, all-gather and
// reduce-scatter (n-1)/n, all-to-all (n-1)/n, others 1).
double bus_factor(Op op, int ranks);

}  // namespace dtsim::collective
