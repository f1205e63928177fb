#include "markdown_limits.h"

namespace portal {

namespace {

std::string with_commas(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// A line's nesting: the quote markers and list markers that open it, and the
// whitespace around them (two columns to a level, as list items indent).
struct LinePrefix {
  std::size_t depth = 0;  // an upper bound on the blocks the line sits in
  std::size_t rest = 0;   // offset of the line's content after the prefix
};

LinePrefix prefix_of(std::string_view line) {
  std::size_t markers = 0, whitespace = 0, i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) whitespace += line[i++] == '\t' ? 4u : 1u;
    if (i >= line.size()) break;
    const char c = line[i];
    auto followed_by_space = [&](std::size_t at) { return at >= line.size() || line[at] == ' ' || line[at] == '\t'; };
    if (c == '>') {
      ++markers;
      ++i;
      continue;
    }
    if ((c == '-' || c == '+' || c == '*') && followed_by_space(i + 1)) {
      ++markers;
      ++i;
      continue;
    }
    std::size_t digits = 0;
    while (i + digits < line.size() && digits < 10 && line[i + digits] >= '0' && line[i + digits] <= '9') ++digits;
    if (digits > 0 && i + digits < line.size() && (line[i + digits] == '.' || line[i + digits] == ')') &&
        followed_by_space(i + digits + 1)) {
      ++markers;
      i += digits + 1;
      continue;
    }
    break;
  }
  // Each marker is followed by the space that belongs to it.
  const std::size_t spare = whitespace > markers ? whitespace - markers : 0;
  return {markers + spare / 2, i};
}

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

// The number of cells of a table's delimiter row ("| --- | :-: |"), or 0
// when the line is not one.
std::size_t delimiter_cells(std::string_view rest) {
  if (rest.empty() || rest.find('|') == std::string_view::npos || rest.find('-') == std::string_view::npos) return 0;
  if (rest.find_first_not_of("|:- \t\r") != std::string_view::npos) return 0;
  std::string_view cells = rest.substr(0, rest.find_last_not_of(" \t\r") + 1);
  cells.remove_prefix(std::min(cells.find_first_not_of(" \t"), cells.size()));
  if (cells.starts_with('|')) cells.remove_prefix(1);
  if (cells.ends_with('|')) cells.remove_suffix(1);
  std::size_t count = 1;
  for (const char c : cells) count += c == '|';
  return count;
}

}  // namespace

std::vector<LimitProblem> markdown_limit_problems(std::string_view text, int first_line) {
  std::vector<LimitProblem> problems;
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::size_t table_end = 0;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const std::string_view line = lines[k];
    if (is_blank(line)) continue;
    const int line_no = first_line + static_cast<int>(k);
    const LinePrefix prefix = prefix_of(line);
    if (prefix.depth > kMaxNesting) {
      problems.push_back({{line_no, 1},
                          "this line is nested about " + with_commas(prefix.depth) +
                              " levels deep in quotes, lists and indentation; at most " + std::to_string(kMaxNesting) +
                              " levels are allowed",
                          "use fewer levels of > quotes and list items, and less indentation"});
      continue;
    }
    if (k < table_end) continue;
    const std::size_t columns = delimiter_cells(line.substr(prefix.rest));
    if (columns == 0 || k == 0 || is_blank(lines[k - 1].substr(prefix_of(lines[k - 1]).rest))) continue;
    if (columns > kMaxTableColumns) {
      problems.push_back({{line_no, 1},
                          "this table has " + with_commas(columns) + " columns; a table may have at most " +
                              std::to_string(kMaxTableColumns),
                          "split it into narrower tables, or publish the data as a spreadsheet beside the page"});
      continue;
    }
    std::size_t rows = 1;  // the header
    std::size_t j = k + 1;
    for (; j < lines.size() && !is_blank(lines[j].substr(prefix_of(lines[j]).rest)); ++j) ++rows;
    table_end = j;  // the table's rows are not read again as tables of their own
    if (columns * rows > kMaxTableCells) {
      problems.push_back({{line_no - 1, 1},
                          "this table has " + with_commas(rows) + " rows of " + with_commas(columns) + " columns (" +
                              with_commas(rows * columns) + " cells); a table may have at most " +
                              with_commas(kMaxTableCells) + " cells",
                          "split it into smaller tables, or publish the data as a spreadsheet beside the page"});
    }
  }
  return problems;
}

}  // namespace portal
