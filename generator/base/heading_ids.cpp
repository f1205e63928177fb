// Heading ids as GitHub gives them (github-slugger's rule): Unicode lower case,
// what an id keeps of a heading, and a suffix for an id already taken.
#include <cctype>
#include <cwctype>
#include <vector>

#include <locale.h>
#include <wctype.h>

#include "text.h"

namespace portal::text {

namespace {

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

std::string heading_id(std::string_view heading_text) {
  // Lower-cased first, as a whole, then every character that is not kept is dropped.
  std::vector<std::uint32_t> points;
  for (std::size_t i = 0; i < heading_text.size();) points.push_back(decode_at(heading_text, i));
  std::string lower;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const bool after = k > 0 && is_letter(points[k - 1]);
    const bool before = k + 1 < points.size() && is_letter(points[k + 1]);
    append_lower(lower, points[k], after, before);
  }
  std::string id;
  for (std::size_t i = 0; i < lower.size();) {
    const std::size_t from = i;
    const std::uint32_t cp = decode_at(lower, i);
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

}  // namespace portal::text
