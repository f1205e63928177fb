// Small text helpers that know nothing of the portal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portal::text {

// Offset of the first byte that breaks UTF-8, or npos when the text is valid.
std::size_t invalid_utf8_offset(std::string_view s);

// 1-based line and column (in characters) of a byte offset.
struct LineCol {
  int line;
  int column;
};
LineCol line_col_at(std::string_view s, std::size_t offset);

// Levenshtein distance, for "did you mean …?".
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word`, if it is close enough to be a likely typo.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

// GitHub's heading id rule, as github-slugger applies it, before
// de-duplication: lower case; every character but letters, marks, digits,
// connector punctuation, spaces and hyphens dropped; spaces become hyphens.
std::string heading_id(std::string_view heading_text);

// Gives each heading of a page its id, as github-slugger does: an id
// already taken (by an earlier heading or by the page itself) gets the next
// free suffix, so "Leads", "Leads", "Leads-1" become leads, leads-1, leads-1-1.
class Slugger {
 public:
  explicit Slugger(const std::vector<std::string>& taken = {});
  std::string unique(std::string_view heading_text);
  // Marks `id` as taken (by a paragraph's anchor, say).
  void take(const std::string& id) { occurrences_.emplace(id, 0); }

 private:
  std::map<std::string, int> occurrences_;
};

// The text of `s` with every character no published file may hold dropped:
// C0 and C1 control characters but tab and line feed, DEL, and the
// noncharacters U+FFFE and U+FFFF (XML 1.0 forbids them; in HTML they are
// errors). `s` must be valid UTF-8.
std::string strip_controls(std::string_view s);
// The same, in place; a text without such characters is left untouched.
void strip_controls_in_place(std::string& s);
// HTML (and XML) escaping of text and attribute values; drops what strip_controls() drops.
std::string html_escape(std::string_view s);

// Kinds of characters that a name, an address or a text may refuse.
bool is_control(std::uint32_t code_point);    // C0 (tab and line feed included), DEL, C1, U+FFFE, U+FFFF
bool is_invisible(std::uint32_t code_point);  // format characters: zero-width, bidirectional controls, BOM
bool is_space(std::uint32_t code_point);      // every Unicode space separator, and line and paragraph separators
// The first code point of `s` (valid UTF-8) that `unwanted` picks, or nullopt.
struct CodePointAt {
  std::size_t offset;
  std::uint32_t code_point;
};
template <class Pred>
std::optional<CodePointAt> find_code_point(std::string_view s, Pred unwanted);
std::uint32_t decode_at(std::string_view s, std::size_t& offset);  // advances past the code point
void append_utf8(std::string& out, std::uint32_t code_point);      // its UTF-8 bytes
// Offset of the first control character of `s` (valid UTF-8) other than
// tab, line feed and carriage return, or npos: ASCII eight bytes at a time.
std::size_t first_control(std::string_view s);
// "U+000D (carriage return)", for messages.
std::string describe_code_point(std::uint32_t code_point);
// `s` on one line of a terminal: each control character written as \u{XXXX}.
std::string escape_controls(std::string_view s);
std::string trim(std::string_view s);
// "1 error", "3 errors": a count and its English noun, made plural with "s".
std::string counted(std::size_t n, std::string_view noun);
// True when `s` holds only spaces, tabs and line ends (or nothing): what trim() would empty.
bool is_blank(std::string_view s);
bool starts_with_ci(std::string_view s, std::string_view prefix);
std::string to_lower_ascii(std::string_view s);
// `s` with its first letter in capitals (an ASCII letter; anything else as it is).
std::string capitalised(std::string_view s);
// `parts` one after another with `separator` between them.
std::string joined(const std::vector<std::string>& parts, std::string_view separator);
// `words` as a sentence lists them: "B1, B2 and C4".
std::string listed(const std::vector<std::string>& words);

// The number of characters of `s` (valid UTF-8), as a terminal or a plain-text
// reader counts columns for the letters the portal writes.
std::size_t display_width(std::string_view s);
// `s` wrapped at spaces into lines of at most `width` characters; a word
// longer than a line stands on a line of its own.
std::string wrap(std::string_view s, std::size_t width);

// Relative URL from the folder of page URL `from` ("/a/b/") to `to` ("/c/" or "/c/x.pdf"),
// percent-encoded so that names with spaces or non-ASCII letters work.
std::string relative_url(std::string_view from, std::string_view to);

// The site path a relative address written on the page at `from` leads to:
// "../../agreements/2020-04/#leads" from "/meetings/2020-03-18/" is
// "/agreements/2020-04/#leads". The inverse of relative_url().
std::string resolve_relative(std::string_view from, std::string_view href);

// Percent-encodes every byte of a URL path that is not safe in an address as
// written ("/a page é/" → "/a%20page%20%C3%A9/"); '/' stays.
std::string encode_url_path(std::string_view path);
// A value for an address's query (after "name="): "&", "=", "#", "+" and the rest encoded.
std::string encode_query_value(std::string_view value);

template <class Pred>
std::optional<CodePointAt> find_code_point(std::string_view s, Pred unwanted) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t at = i;
    const std::uint32_t cp = decode_at(s, i);
    if (unwanted(cp)) return CodePointAt{at, cp};
  }
  return std::nullopt;
}

}  // namespace portal::text
