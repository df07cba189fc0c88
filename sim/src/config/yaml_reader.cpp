#include "yaml_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dtsim/sim/config/suggest.hpp"

namespace dtsim::config {
namespace {

// Where byte `offset` of `text` lies, in the file `origin` names.
SourcePos text_pos(std::string_view text, std::size_t offset, const Origin& origin) {
  const auto before = text.substr(0, offset);
  const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const auto line_start = before.rfind('\n');
  const auto col =
      static_cast<int>(line_start == std::string_view::npos ? offset : offset - line_start - 1);
  return {origin.file, origin.line_offset + line + 1,
          (line == 0 ? origin.column_offset : 0) + col + 1};
}

// YAML is Unicode (YAML 1.2, section 5.2); yaml-cpp passes other bytes through, and they break
// whatever prints them later (JSON output rejects them).
void check_utf8(std::string_view text, const Origin& origin) {
  const auto bad = first_invalid_utf8(text);
  if (!bad) return;
  throw ConfigError(text_pos(text, *bad, origin), "",
                    fmt::format("expected UTF-8 text (YAML is Unicode), found the byte 0x{:02X}, "
                                "which does not start a valid UTF-8 character; save the file "
                                "as UTF-8",
                                static_cast<unsigned char>(text[*bad])));
}

// The offset of a tab in the indentation of a line at or before line `last` (0-based), the
// nearest to it, or nullopt. YAML forbids tabs in indentation (YAML 1.2, section 6.1), and
// yaml-cpp's complaint about one names neither the tab nor the rule.
std::optional<std::size_t> indentation_tab(std::string_view text, int last) {
  std::optional<std::size_t> found;
  std::size_t start = 0;
  for (int line = 0; line <= last && start <= text.size(); ++line) {
    const auto end = std::min(text.find('\n', start), text.size());
    const auto content = text.find_first_not_of(" \t", start);
    const bool blank = content >= end || text[content] == '#';
    const auto tab = text.find('\t', start);
    if (!blank && tab < content) found = tab;
    start = end + 1;
  }
  return found;
}

YAML::Node parse_yaml(std::string_view text, const Origin& origin) {
  check_utf8(text, origin);
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    if (const auto tab = indentation_tab(text, e.mark.line))
      throw ConfigError(text_pos(text, *tab, origin), "",
                        "expected spaces in indentation, found a tab character: YAML indents "
                        "with spaces only (yaml-cpp says: " +
                            e.msg + ")");
    const int line = origin.line_offset + e.mark.line + 1;
    const int col = (e.mark.line == 0 ? origin.column_offset : 0) + e.mark.column + 1;
    throw ConfigError({origin.file, line, col}, "",
                      "expected well-formed YAML, found a syntax error: " + e.msg);
  }
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(path);
  while (std::getline(in, part, '.')) parts.push_back(part);
  return parts;
}

std::optional<std::size_t> as_index(const std::string& s) {
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Document Document::from_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError({path, 1, 1}, "", "expected a file, found a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 1, 1}, "", "expected a readable file, found none at this path");
  std::ostringstream text;
  text << in.rdbuf();
  return from_text(text.str(), path);
}

Document Document::from_text(std::string_view text, std::string label) {
  Document d;
  d.origin_ = std::make_shared<Origin>(Origin{std::move(label), 0, 0});
  d.root_ = parse_yaml(text, *d.origin_);
  if (d.root_.IsNull())
    throw ConfigError({d.origin_->file, 1, 1}, "",
                      "expected a YAML mapping of keys, found an empty document");
  return d;
}

Document Document::assembled(YAML::Node root, const Document& source, SourcePos where) {
  Document d;
  d.root_ = std::move(root);
  d.origin_ = source.origin_;
  d.root_pos_ = std::move(where);
  return d;
}

void Document::apply_override(const std::string& assignment) {
  const std::string label = "--set " + quoted_input(assignment);
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError({label, 1, 1}, "", "expected KEY.PATH=VALUE, found no key or no '='");
  const std::string path = assignment.substr(0, eq);
  if (assignment.find_first_not_of(" \t", eq + 1) == std::string::npos)
    throw ConfigError({label, 1, static_cast<int>(eq) + 2}, path,
                      "expected a value after '=', found nothing (write null to unset a key)");
  auto origin = std::make_shared<Origin>(Origin{label, 0, static_cast<int>(eq) + 1});
  YAML::Node value = parse_yaml(assignment.substr(eq + 1), *origin);

  set_path(path, value, {label, 1, 1});
  overrides_.emplace_back(value, origin);
}

void Document::put(const std::string& path, const Node& value) {
  set_path(path, value.yaml(), value.pos());
  overrides_.emplace_back(value.yaml(), value.origin());
}

void Document::set_path(const std::string& path, const YAML::Node& value, const SourcePos& at) {
  const auto parts = split_path(path);
  YAML::Node node = root_;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& key = parts[i];
    if (key.empty()) throw ConfigError(at, path, "expected KEY.PATH, found an empty key");
    const bool last = i + 1 == parts.size();
    const auto index = as_index(key);
    if (node.IsSequence() && index) {
      if (*index >= node.size())
        throw ConfigError(at, walked,
                          fmt::format("expected an index below {}, found {}", node.size(), key));
      if (last) node[*index] = value;
      node.reset(node[*index]);
    } else if (node.IsMap() || node.IsNull()) {
      if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
      if (last) {
        node[key] = value;
      } else if (!node[key].IsDefined() || node[key].IsNull()) {
        node[key] = YAML::Node(YAML::NodeType::Map);
      }
      YAML::Node next = node[key];
      node.reset(next);
    } else {
      throw ConfigError(at, walked,
                        "expected a mapping to set " + quoted_input(key) + " in, found the value " +
                            quoted_input(node.Scalar()) + "; define it inline to change its parts");
    }
    if (!walked.empty()) walked += ".";
    walked += key;
  }
}

const std::shared_ptr<const Origin>* Document::override_origin(const YAML::Node& node) const {
  for (const auto& [n, origin] : overrides_)
    if (n.is(node)) return &origin;
  return nullptr;
}

Node Document::root() const {
  return Node(root_, "", origin_, this, root_pos_.file.empty() ? SourcePos{origin_->file, 1, 1} : root_pos_);
}

Node::Node(YAML::Node node, std::string path, std::shared_ptr<const Origin> origin,
           const Document* doc, SourcePos fallback)
    : node_(std::move(node)),
      path_(std::move(path)),
      origin_(std::move(origin)),
      doc_(doc),
      fallback_(std::move(fallback)) {}

SourcePos Node::pos_of(const YAML::Node& n, const SourcePos& fallback) const {
  const YAML::Mark m = n.IsDefined() ? n.Mark() : YAML::Mark::null_mark();
  if (m.line < 0) return fallback;
  return {origin_->file, origin_->line_offset + m.line + 1,
          (m.line == 0 ? origin_->column_offset : 0) + m.column + 1};
}

std::string Node::found() const {
  if (is_null()) return "nothing";
  if (is_map()) return "a mapping";
  if (is_list()) return "a list";
  return quoted_input(node_.Scalar());
}

void Node::fail(const std::string& message) const { throw ConfigError(pos(), path_, message); }

void Node::expected(const std::string& what) const { fail("expected " + what + ", found " + found()); }

std::string Node::scalar() const {
  if (!is_scalar()) expected("a single value");
  return node_.Scalar();
}

std::vector<Node> Node::list() const {
  if (!is_list()) expected("a list");
  std::vector<Node> out;
  for (std::size_t i = 0; i < node_.size(); ++i) out.push_back(element(i, node_[i]));
  return out;
}

Node Node::child(const YAML::Node& key, const YAML::Node& value, const std::string& name) const {
  auto origin = origin_;
  if (doc_)
    if (const auto* o = doc_->override_origin(value)) origin = *o;
  return Node(value, path_.empty() ? name : path_ + "." + name, origin, doc_, pos_of(key, pos()));
}

Node Node::element(std::size_t index, const YAML::Node& value) const {
  auto origin = origin_;
  if (doc_)
    if (const auto* o = doc_->override_origin(value)) origin = *o;
  return Node(value, fmt::format("{}[{}]", path_, index), origin, doc_, pos());
}

MapReader::MapReader(const Node& map) : map_(map) {
  if (!map.is_map()) map.expected("a mapping of keys");
  for (auto it = map.yaml().begin(); it != map.yaml().end(); ++it) {
    // By value: the iterator's proxy dies with the expression, and a reference into it dangles.
    const YAML::Node key = it->first;
    if (!key.IsScalar())
      throw ConfigError(map.pos_of(key, map.pos()), map.path(),
                        "expected keys to be names, found a key that is a mapping or a list");
    const std::string name = key.Scalar();
    Node value = map.child(key, it->second, name);
    const SourcePos at = map.pos_of(key, value.pos());  // override-made keys have no mark
    for (const auto& [seen, seen_at] : key_pos_) {
      if (seen == name)
        throw ConfigError(at, value.path(),
                          fmt::format("expected each key once, found {} again (first at line {})",
                                      quoted_input(name), seen_at.line));
    }
    key_pos_.emplace_back(name, at);
    entries_.emplace_back(name, std::move(value));
  }
}

bool MapReader::has(std::string_view key) const {
  for (const auto& [name, value] : entries_)
    if (name == key && !value.is_null()) return true;
  return false;
}

std::optional<Node> MapReader::get(std::string_view key) {
  allow(key);
  for (const auto& [name, value] : entries_)
    if (name == key) return value.is_null() ? std::nullopt : std::optional<Node>(value);
  return std::nullopt;
}

Node MapReader::require(std::string_view key, std::string_view what) {
  auto value = get(key);
  if (value) return *value;
  const std::string path = map_.path().empty() ? std::string(key) : map_.path() + "." + std::string(key);
  for (const auto& [name, v] : entries_)
    if (name == key) v.expected(std::string(what));
  // A key nobody asked for that is one typo away is the likelier mistake: name it instead.
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& name = entries_[i].first;
    if (std::find(known_.begin(), known_.end(), name) == known_.end() &&
        closest(name, {std::string(key)}))
      throw ConfigError(
          key_pos_[i].second, entries_[i].second.path(),
          "unknown key " + quoted_input(name) + ", did you mean '" + std::string(key) + "'?");
  }
  throw ConfigError(map_.pos(), path,
                    "expected a key '" + std::string(key) + "' with " + std::string(what) +
                        ", found no such key");
}

void MapReader::finish() const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& name = entries_[i].first;
    if (std::find(known_.begin(), known_.end(), name) != known_.end()) continue;
    const std::string valid = fmt::format("{}", fmt::join(known_, ", "));
    throw ConfigError(key_pos_[i].second, entries_[i].second.path(),
                      "unknown key " + quoted_input(name) + did_you_mean(name, known_) +
                          " (valid here: " + valid + ")");
  }
}

std::string as_string(const Node& n) { return n.scalar(); }

std::string yaml_text(const Node& n) {
  if (n.is_scalar()) return n.yaml().Scalar();
  YAML::Emitter out;
  out << YAML::Flow << n.yaml();
  return out.c_str();
}

namespace {
std::optional<double> to_double(const std::string& s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}
}  // namespace

std::int64_t as_int(const Node& n, std::int64_t min, std::int64_t max) {
  const std::string s = n.scalar();
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    // Accept integral scientific notation ("1.5e3").
    auto d = to_double(s);
    if (!d || std::floor(*d) != *d || std::abs(*d) > 9.0e15) n.expected("an integer");
    v = static_cast<std::int64_t>(*d);
  }
  if (v < min || v > max) {
    if (max == INT64_MAX) n.expected(fmt::format("an integer >= {}", min));
    n.expected(fmt::format("an integer from {} to {}", min, max));
  }
  return v;
}

double as_number(const Node& n, double min, double max, bool min_exclusive) {
  auto v = to_double(n.scalar());
  if (!v) n.expected("a number");
  if (*v < min || (min_exclusive && *v == min) || *v > max)
    n.expected(fmt::format("a number {} {:g}{}", min_exclusive ? ">" : ">=", min,
                           max < 1e300 ? fmt::format(" and <= {:g}", max) : ""));
  return *v;
}

bool as_bool(const Node& n) {
  const std::string s = n.scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  n.expected("true or false");
}

double as_quantity(const Node& n, Dimension d, bool positive) {
  const std::string s = n.scalar();
  std::string why;
  auto v = parse_quantity(s, d, &why);
  if (!v) n.fail("expected " + describe(d) + ", found " + quoted_input(s) + ": " + why);
  if (positive ? *v <= 0 : *v < 0)
    n.fail("expected " + std::string(positive ? "a positive " : "a non-negative ") +
           describe(d).substr(describe(d).find(' ') + 1) + ", found " + quoted_input(s));
  return *v;
}

std::vector<std::string> as_string_list(const Node& n) {
  if (n.is_scalar()) return {n.scalar()};
  std::vector<std::string> out;
  for (const auto& e : n.list()) out.push_back(e.scalar());
  return out;
}

std::string choice_list(const std::vector<std::string_view>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

void fail_choice(const Node& n, const std::vector<std::string_view>& names) {
  std::vector<std::string> candidates(names.begin(), names.end());
  const std::string hint = n.is_scalar() ? did_you_mean(n.scalar(), candidates) : "";
  n.fail("expected one of " + choice_list(names) + ", found " + n.found() + hint);
}

}  // namespace dtsim::config
