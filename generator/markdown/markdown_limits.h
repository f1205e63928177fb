// The limits a content document keeps within, so that no file can make a
// build run for minutes or take gigabytes: cmark-gfm 0.29.0.gfm.6 takes time
// that grows with the square of a table's columns, and with the depth of
// nested quotes and lists times the lines that follow, and some 175 bytes
// for each node it makes. Each limit reached is a `limit` error at the line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"

namespace portal {

inline constexpr std::size_t kMaxDocumentBytes = 2 * 1024 * 1024;  // a whole content document
inline constexpr std::size_t kMaxNesting = 100;                    // quotes and list items opened on one line
inline constexpr std::size_t kMaxTableColumns = 100;               // cells in a table's delimiter row
inline constexpr std::size_t kMaxTableCells = 50'000;              // columns times rows, header included

struct LimitProblem {
  Pos pos;
  std::string message;
  std::string hint;
};

// Every limit the Markdown `text` (whose first line is file line
// `first_line`) goes beyond, without parsing it.
std::vector<LimitProblem> markdown_limit_problems(std::string_view text, int first_line);

}  // namespace portal
