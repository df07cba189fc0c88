#include "dtsim/sim/config/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace dtsim::config {
namespace {

// The length of the UTF-8 character starting with lead byte `b` and the range its second byte
// must lie in (RFC 3629, section 4: no overlong forms, no surrogates, nothing past U+10FFFF);
// a length of 0 for a byte that cannot start one.
struct Utf8Lead {
  int length;
  unsigned char second_min, second_max;
};
Utf8Lead utf8_lead(unsigned char b) {
  if (b < 0x80) return {1, 0, 0};
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  return {0, 0, 0};
}

}  // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Lead lead = utf8_lead(static_cast<unsigned char>(text[i]));
    if (lead.length == 0 || i + lead.length > text.size()) return i;
    for (int k = 1; k < lead.length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      const unsigned char lo = k == 1 ? lead.second_min : 0x80;
      const unsigned char hi = k == 1 ? lead.second_max : 0xBF;
      if (c < lo || c > hi) return i;
    }
    i += lead.length;
  }
  return std::nullopt;
}

namespace {

// The first `limit` bytes of `text`, not splitting a UTF-8 character.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  std::size_t end = std::min(limit, text.size());
  while (end > 0 && end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end);
}

// Invalid UTF-8 bytes as \xNN, so that a message about them is itself valid UTF-8.
std::string escaped(std::string_view text) {
  std::string out;
  while (const auto bad = first_invalid_utf8(text)) {
    out += text.substr(0, *bad);
    out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[*bad]));
    text.remove_prefix(*bad + 1);
  }
  return out += text;
}

// `text` between two `mark`s, cut after kMaxQuotedLength bytes with its length said.
std::string abbreviated(std::string_view text, std::string_view mark) {
  if (text.size() <= kMaxQuotedLength) return fmt::format("{0}{1}{0}", mark, escaped(text));
  return fmt::format("{0}{1}...{0} ({2} bytes long)", mark,
                     escaped(utf8_prefix(text, kMaxQuotedLength)), text.size());
}

}  // namespace

std::string quoted_input(std::string_view text) {
  return abbreviated(text, "'");
}

ConfigError::ConfigError(SourcePos pos, std::string key_path, std::string message)
    : std::runtime_error(fmt::format("{}:{}:{}: error: {}: {}", pos.file, pos.line, pos.column,
                                     key_path.empty() ? "(document)" : abbreviated(key_path, ""),
                                     message)),
      pos_(std::move(pos)),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

}  // namespace dtsim::config
