// Characters a published file or a terminal must not show as they are: control
// characters and invisible formatting, found, described, escaped or dropped,
// and HTML's escaping, which drops the same.
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "text.h"

namespace portal::text {

bool is_control(std::uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF; }

bool is_invisible(std::uint32_t cp) {
  return cp == 0xAD || cp == 0x61C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB);
}

bool is_space(std::uint32_t cp) {
  return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

std::size_t first_control(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      const std::uint64_t below_space = (w - 0x20 * ones) & ~w & highs;
      const std::uint64_t del = ((w ^ (0x7F * ones)) - ones) & ~(w ^ (0x7F * ones)) & highs;
      if ((below_space | del | (w & highs)) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
      ++i;
      continue;
    }
    std::size_t at = i;
    if (is_control(decode_at(s, at))) return i;
    i = at;
  }
  return std::string_view::npos;
}

std::string describe_code_point(std::uint32_t cp) {
  static const std::map<std::uint32_t, const char*> names = {{0x00, "NUL"},
                                                             {0x07, "bell"},
                                                             {0x08, "backspace"},
                                                             {0x09, "tab"},
                                                             {0x0A, "line feed"},
                                                             {0x0B, "vertical tab, which Word writes for a line break"},
                                                             {0x0C, "form feed"},
                                                             {0x0D, "carriage return"},
                                                             {0x1B, "escape"},
                                                             {0x7F, "delete"},
                                                             {0x85, "next line"},
                                                             {0xA0, "no-break space"},
                                                             {0xAD, "soft hyphen"},
                                                             {0x200B, "zero-width space"},
                                                             {0x200E, "left-to-right mark"},
                                                             {0x200F, "right-to-left mark"},
                                                             {0x2028, "line separator"},
                                                             {0x2029, "paragraph separator"},
                                                             {0x202E, "right-to-left override"},
                                                             {0xFEFF, "zero-width no-break space"}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  std::string out = buf;
  if (const auto it = names.find(cp); it != names.end())
    out += std::string(" (") + it->second + ")";
  else if (is_control(cp))
    out += " (a control character)";
  else if (is_invisible(cp))
    out += " (an invisible formatting character)";
  return out;
}

std::string escape_controls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t from = i;
    const std::uint32_t cp = decode_at(s, i);
    if (is_control(cp) || cp == 0x2028 || cp == 0x2029) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s, from, i - from);
    }
  }
  return out;
}

namespace {

// The length of the character at s[i] that strip_controls() drops, or 0.
std::size_t dropped_at(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x20) return c == '\t' || c == '\n' ? 0 : 1;
  if (c == 0x7F) return 1;
  if (c == 0xC2 && i + 1 < s.size()) {
    const auto next = static_cast<unsigned char>(s[i + 1]);
    return next >= 0x80 && next <= 0x9F ? 2 : 0;
  }
  if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF) {
    const auto last = static_cast<unsigned char>(s[i + 2]);
    return last == 0xBE || last == 0xBF ? 3 : 0;
  }
  return 0;
}

}  // namespace

std::string strip_controls(std::string_view s) {
  std::string out(s);
  strip_controls_in_place(out);
  return out;
}

void strip_controls_in_place(std::string& s) {
  // Printable ASCII, which nearly all text is, eight bytes at a time.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  std::size_t i = 0;
  while (i + 8 <= s.size()) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    const std::uint64_t below_space = (w - 0x20 * ones) & ~w & highs;
    const std::uint64_t del = ((w ^ (0x7F * ones)) - ones) & ~(w ^ (0x7F * ones)) & highs;
    if ((below_space | del | (w & highs)) != 0) break;
    i += 8;
  }
  while (i < s.size() && dropped_at(s, i) == 0) ++i;
  if (i == s.size()) return;
  std::size_t out = i;
  while (i < s.size()) {
    if (const std::size_t n = dropped_at(s, i)) {
      i += n;
      continue;
    }
    s[out++] = s[i++];
  }
  s.resize(out);
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (const std::size_t n = dropped_at(s, i)) {
      i += n;
      continue;
    }
    const char c = s[i++];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace portal::text
