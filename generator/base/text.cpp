#include "text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <cwctype>

#include <locale.h>
#include <wctype.h>

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
  for (std::size_t k = 1; k < len && i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += len;
  return cp;
}

// Letters, marks and digits of every script, and lower case, as Unicode
// gives them: glibc's C.UTF-8 locale holds the whole character database.
locale_t unicode_ctype() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

// What github-slugger keeps of a heading: letters, marks, numbers and
// connector punctuation (Unicode categories L, M, N and Pc), spaces and
// hyphens. glibc counts marks as punctuation, but knows them as "combining".
bool kept_in_id(std::uint32_t cp) {
  if (cp < 0x80) return std::isalnum(static_cast<int>(cp)) || cp == '-' || cp == '_' || cp == ' ';
  const locale_t locale = unicode_ctype();
  if (!locale) return true;
  static const wctype_t combining = wctype_l("combining", locale);
  const auto c = static_cast<wint_t>(cp);
  const bool connector = cp == 0x203F || cp == 0x2040 || cp == 0x2054 || cp == 0xFE33 || cp == 0xFE34 ||
                         (cp >= 0xFE4D && cp <= 0xFE4F) || cp == 0xFF3F;
  return iswalnum_l(c, locale) || (combining && iswctype_l(c, combining, locale)) || connector;
}

bool is_letter(std::uint32_t cp) {
  const locale_t locale = unicode_ctype();
  return locale ? iswalpha_l(static_cast<wint_t>(cp), locale) != 0 : std::isalpha(static_cast<int>(cp & 0x7F)) != 0;
}

// JavaScript's toLowerCase(), which github-slugger applies first: simple
// lower case, with the two mappings that depend on more than one character.
void append_lower(std::string& out, std::uint32_t cp, bool after_letter, bool before_letter) {
  if (cp < 0x80) {
    out += static_cast<char>(std::tolower(static_cast<int>(cp)));
    return;
  }
  if (cp == 0x130) {  // İ becomes i and a combining dot
    out += "i\xCC\x87";
    return;
  }
  if (cp == 0x3A3 && after_letter && !before_letter) {  // Σ at the end of a word is ς
    append_utf8(out, 0x3C2);
    return;
  }
  const locale_t locale = unicode_ctype();
  append_utf8(out, locale ? static_cast<std::uint32_t>(towlower_l(static_cast<wint_t>(cp), locale)) : cp);
}

}  // namespace

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

std::string heading_id(std::string_view heading_text) {
  // Lower-cased first, as a whole, then every character that is not kept is dropped.
  std::vector<std::uint32_t> points;
  for (std::size_t i = 0; i < heading_text.size();) points.push_back(next_code_point(heading_text, i));
  std::string lower;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const bool after = k > 0 && is_letter(points[k - 1]);
    const bool before = k + 1 < points.size() && is_letter(points[k + 1]);
    append_lower(lower, points[k], after, before);
  }
  std::string id;
  for (std::size_t i = 0; i < lower.size();) {
    const std::size_t from = i;
    const std::uint32_t cp = next_code_point(lower, i);
    if (!kept_in_id(cp)) continue;
    if (cp == ' ')
      id += '-';
    else
      id.append(lower, from, i - from);
  }
  return id;
}

Slugger::Slugger(const std::vector<std::string>& taken) {
  for (const auto& id : taken) occurrences_.emplace(id, 0);
}

std::string Slugger::unique(std::string_view heading_text) {
  // github-slugger's rule: an id already taken gets the next free suffix.
  const std::string original = heading_id(heading_text);
  std::string id = original;
  while (occurrences_.count(id)) id = original + "-" + std::to_string(++occurrences_[original]);
  occurrences_.emplace(id, 0);
  return id;
}

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

std::uint32_t decode_at(std::string_view s, std::size_t& offset) { return next_code_point(s, offset); }

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
    if (is_control(next_code_point(s, at))) return i;
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
    const std::uint32_t cp = next_code_point(s, i);
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

std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string wrap(std::string_view s, std::size_t width) {
  std::string out, line;
  std::size_t line_width = 0;
  for (std::size_t at = 0; at < s.size();) {
    while (at < s.size() && (s[at] == ' ' || s[at] == '\n' || s[at] == '\t')) ++at;
    if (at >= s.size()) break;
    const auto end = s.find_first_of(" \n\t", at);
    const std::string_view word = s.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? s.size() : end;
    const std::size_t w = display_width(word);
    if (!line.empty() && line_width + 1 + w > width) {
      out += line + "\n";
      line.clear();
      line_width = 0;
    }
    if (!line.empty()) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += w;
  }
  return out + line;
}

std::string resolve_relative(std::string_view from, std::string_view href) {
  // The form relative_url() writes: some "../", then a path without dot segments.
  {
    std::string_view rest = href;
    std::size_t up = 0;
    while (rest.starts_with("../")) {
      rest.remove_prefix(3);
      ++up;
    }
    if (rest.starts_with("./")) rest.remove_prefix(2);
    const std::string_view path = rest.substr(0, rest.find_first_of("?#"));
    const bool plain = path.find("/./") == std::string_view::npos && path.find("/../") == std::string_view::npos &&
                       path != "." && path != ".." && !path.starts_with("../") && !path.ends_with("/.") &&
                       !path.ends_with("/..");
    std::string_view folder = from.substr(0, from.rfind('/') + 1);  // "/a/b/"
    std::size_t k = 0;
    while (plain && k < up && folder.size() > 1) {
      folder.remove_suffix(1);
      folder = folder.substr(0, folder.rfind('/') + 1);
      ++k;
    }
    if (plain && k == up) return std::string(folder) + std::string(rest);
  }
  const auto suffix_at = href.find_first_of("?#");
  const std::string_view path = href.substr(0, suffix_at);
  const std::string_view suffix = suffix_at == std::string_view::npos ? std::string_view() : href.substr(suffix_at);
  std::vector<std::string_view> parts;
  auto push = [&](std::string_view segment, bool last) {
    if (segment == "..") {
      if (!parts.empty()) parts.pop_back();
      if (last) parts.emplace_back();
    } else if (segment == ".") {
      if (last) parts.emplace_back();
    } else if (!segment.empty() || last) {
      parts.push_back(segment);
    }
  };
  const std::string_view folder = from.substr(0, from.rfind('/') + 1);
  for (std::size_t at = 1; at < folder.size();) {
    const auto slash = folder.find('/', at);
    push(folder.substr(at, slash - at), false);
    at = slash + 1;
  }
  for (std::size_t at = 0; at <= path.size();) {
    const auto slash = path.find('/', at);
    const bool last = slash == std::string_view::npos;
    push(path.substr(at, last ? std::string_view::npos : slash - at), last);
    if (last) break;
    at = slash + 1;
  }
  std::string out;
  for (const auto part : parts) {
    out += '/';
    out += part;
  }
  if (out.empty()) out = "/";
  return out + std::string(suffix);
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
