#include "text.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <cstdint>

namespace portal::text {

std::size_t invalid_utf8_offset(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII, eight bytes at a time.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

LineCol line_col_at(std::string_view s, std::size_t offset) {
  LineCol lc{1, 1};
  offset = std::min(offset, s.size());
  for (std::size_t i = 0; i < offset; ++i) {
    if (s[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      ++lc.column;
    }
  }
  return lc;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance || (d == best_distance && c < best)) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

namespace {

// Decodes the UTF-8 sequence at s[i] (already validated), advancing i.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
  for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += len;
  return cp;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Non-ASCII code points that are punctuation, symbols or spaces rather than
// letters or digits: Latin-1 punctuation and signs, general punctuation
// (dashes, curly quotes), currency, letter-like symbols to arrows and boxes,
// CJK punctuation, and emoji.
bool is_non_ascii_punctuation(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
         (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
         (cp >= 0x1F000 && cp <= 0x1FAFF);
}

}  // namespace

std::string heading_id(std::string_view heading_text) {
  std::string id;
  for (std::size_t i = 0; i < heading_text.size();) {
    const auto c = static_cast<unsigned char>(heading_text[i]);
    if (c < 0x80) {
      if (std::isalnum(c) || c == '-' || c == '_') id += static_cast<char>(std::tolower(c));
      else if (c == ' ') id += '-';
      ++i;
      continue;
    }
    std::uint32_t cp = next_code_point(heading_text, i);
    if (is_non_ascii_punctuation(cp)) continue;
    // Latin-1 capitals (À-Þ) lower-case like ASCII ones do.
    if (cp >= 0xC0 && cp <= 0xDE) cp += 0x20;
    append_utf8(id, cp);
  }
  return id;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
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

namespace {
constexpr std::string_view kBlank = " \t\r\n";
}  // namespace

bool is_blank(std::string_view s) { return s.find_first_not_of(kBlank) == std::string_view::npos; }

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kBlank);
  return std::string(s.substr(first, last - first + 1));
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && to_lower_ascii(s.substr(0, prefix.size())) == to_lower_ascii(prefix);
}

std::string encode_url_path(std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || std::strchr("-._~/!$&'()*+,;=:@", c) != nullptr) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string relative_url(std::string_view from, std::string_view to) {
  // Folder of `from`: everything up to its last '/'.
  const auto from_dir = from.substr(0, from.rfind('/') + 1);
  std::size_t common = 0;
  std::size_t last_slash = 0;
  while (common < from_dir.size() && common < to.size() && from_dir[common] == to[common]) {
    if (from_dir[common] == '/') last_slash = common + 1;
    ++common;
  }
  std::string out;
  for (std::size_t i = last_slash; i < from_dir.size(); ++i)
    if (from_dir[i] == '/') out += "../";
  out += to.substr(last_slash);
  if (out.empty()) out = "./";
  return encode_url_path(out);
}

}  // namespace portal::text
