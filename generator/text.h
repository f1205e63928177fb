// Small text helpers that know nothing of the portal.
#pragma once

#include <cstddef>
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

// GitHub's heading id rule (spec §3), before de-duplication.
std::string heading_id(std::string_view heading_text);

std::string html_escape(std::string_view s);
std::string trim(std::string_view s);
// True when `s` holds only spaces, tabs and line ends (or nothing): what trim() would empty.
bool is_blank(std::string_view s);
bool starts_with_ci(std::string_view s, std::string_view prefix);
std::string to_lower_ascii(std::string_view s);

// Relative URL from the folder of page URL `from` ("/a/b/") to `to` ("/c/" or "/c/x.pdf"),
// percent-encoded so that names with spaces or non-ASCII letters work.
std::string relative_url(std::string_view from, std::string_view to);

// Percent-encodes every byte of a URL path that is not safe in an address as
// written ("/a page é/" → "/a%20page%20%C3%A9/"); '/' stays.
std::string encode_url_path(std::string_view path);

}  // namespace portal::text
