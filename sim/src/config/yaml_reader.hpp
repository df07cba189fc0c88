#pragma once
// The strict reader every YAML input goes through (scenarios, catalog, zoo, validation cases).
// A Node is a YAML node plus its key path ("parallelism.tp") and where it came from (a file, or
// a --set override), so any complaint can name FILE:LINE:COL and the key. MapReader rejects
// duplicate keys and, when finished, any key nobody asked for, suggesting the nearest valid one.
// Internal to the loader: nothing outside sim/src/config sees a YAML node.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/quantity.hpp"

namespace dtsim::config {

// Where a node's text lives: a file, or the value part of one --set argument.
struct Origin {
  std::string file;
  int line_offset = 0;    // added to yaml-cpp's 0-based line
  int column_offset = 0;  // added to yaml-cpp's 0-based column on the first line
};

// A parsed document: its root and the nodes that --set overrides put into it.
class Document {
 public:
  // Parses a file; malformed YAML, a missing file and an empty file are ConfigErrors.
  static Document from_file(const std::string& path);
  static Document from_text(std::string_view text, std::string label);
  // A document assembled from nodes of `source` (they keep their positions in its file); nodes
  // made while assembling have no position and report `where` (the source's node they came from).
  static Document assembled(YAML::Node root, const Document& source, SourcePos where);

  // Applies "key.path=value" (value parsed as YAML) to the tree.
  void apply_override(const std::string& assignment);
  // Puts `value`, read from this document's file (a variant's `set:` entry), at "key.path":
  // it keeps its position there, and a path that cannot be walked is an error at it.
  void put(const std::string& path, const class Node& value);

  class Node root() const;
  const std::string& file() const { return origin_->file; }

  // The origin of a node that an override put in place, or nullptr.
  const std::shared_ptr<const Origin>* override_origin(const YAML::Node& node) const;

 private:
  YAML::Node root_;
  std::shared_ptr<const Origin> origin_;
  SourcePos root_pos_;  // where the root points when it has no mark of its own
  std::vector<std::pair<YAML::Node, std::shared_ptr<const Origin>>> overrides_;

  void set_path(const std::string& path, const YAML::Node& value, const SourcePos& at);
};

class Node {
 public:
  Node(YAML::Node node, std::string path, std::shared_ptr<const Origin> origin,
       const Document* doc, SourcePos fallback);

  const std::string& path() const { return path_; }
  SourcePos pos() const { return pos_of(node_, fallback_); }
  // Position of a node read from this node's text (a key of this map), or `fallback`.
  SourcePos pos_of(const YAML::Node& n, const SourcePos& fallback) const;
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }
  bool is_map() const { return node_.IsMap(); }
  bool is_list() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }

  // "the value '8'", "a mapping", "a list", "nothing": what was found, for messages.
  std::string found() const;
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void expected(const std::string& what) const;  // "expected W, found F"

  std::string scalar() const;             // errors unless a scalar
  std::vector<Node> list() const;         // errors unless a list
  Node child(const YAML::Node& key, const YAML::Node& value, const std::string& name) const;
  Node element(std::size_t index, const YAML::Node& value) const;
  const YAML::Node& yaml() const { return node_; }
  const std::shared_ptr<const Origin>& origin() const { return origin_; }

 private:
  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const Origin> origin_;
  const Document* doc_;
  SourcePos fallback_;  // where to point when the node has no mark of its own
};

class MapReader {
 public:
  explicit MapReader(const Node& map);  // errors unless a mapping without duplicate keys

  const Node& node() const { return map_; }
  bool has(std::string_view key) const;
  // The value of `key`, or nullopt if absent or null (null means "not given": use the default).
  std::optional<Node> get(std::string_view key);
  // Errors naming the key and what it should hold when it is absent or null.
  Node require(std::string_view key, std::string_view what);
  // Errors on the first key (in document order) that no get/require/allow asked for.
  void finish() const;
  void allow(std::string_view key) { known_.emplace_back(key); }
  // Every key and value, in document order (a map whose keys are data: variant overrides).
  const std::vector<std::pair<std::string, Node>>& entries() const { return entries_; }

 private:
  Node map_;
  std::vector<std::pair<std::string, Node>> entries_;  // in document order
  std::vector<std::pair<std::string, SourcePos>> key_pos_;
  std::vector<std::string> known_;
};

// Typed views of scalars; each errors with the key path and what was expected.
std::string as_string(const Node& n);
std::int64_t as_int(const Node& n, std::int64_t min, std::int64_t max = INT64_MAX);
double as_number(const Node& n, double min, double max, bool min_exclusive = false);
bool as_bool(const Node& n);
double as_quantity(const Node& n, Dimension d, bool positive = true);
std::vector<std::string> as_string_list(const Node& n);
// A value as one line of YAML (flow style): what --set takes after the '='.
std::string yaml_text(const Node& n);

// One of a fixed set of names: as_choice(n, {{"none", X::none}, ...}).
template <class E>
E as_choice(const Node& n, const std::vector<std::pair<std::string_view, E>>& choices);

std::string choice_list(const std::vector<std::string_view>& names);
[[noreturn]] void fail_choice(const Node& n, const std::vector<std::string_view>& names);

template <class E>
E as_choice(const Node& n, const std::vector<std::pair<std::string_view, E>>& choices) {
  const std::string value = n.scalar();
  std::vector<std::string_view> names;
  for (const auto& [name, e] : choices) {
    if (name == value) return e;
    names.push_back(name);
  }
  fail_choice(n, names);
}

}  // namespace dtsim::config
