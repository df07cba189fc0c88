#pragma once
// How a collective is carried out, decomposed the way NCCL and TPU runtimes do.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dtsim::collective {

enum class Algorithm : std::uint8_t {
  ring,          // NCCL ring: one ring per NIC rail (channel), pipelined in chunks
  tree,          // NCCL double binary tree over nodes, a chain inside each node
  hierarchical,  // reduce-scatter in the node, all-reduce across nodes, all-gather in the node
  nvls,          // NVLink SHARP: the NVSwitch reduces and multicasts (one NVLink domain)
  mesh,          // fully connected nodes: every rank exchanges its share with every peer directly
  torus,         // bidirectional rings along each torus dimension in turn (TPU ICI)
  pairwise,      // all-to-all: every rank sends to every other at once
  direct,        // send/recv
};

enum class Protocol : std::uint8_t { ll, ll128, simple };

std::string to_string(Algorithm a);
std::string to_string(Protocol p);
std::optional<Algorithm> algorithm_from_string(const std::string& name);
std::vector<std::string> algorithm_names();

}  // namespace dtsim::collective
