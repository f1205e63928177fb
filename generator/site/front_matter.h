// Splits a content file into its TOML front matter (between two `+++` lines)
// and its Markdown body, keeping source positions for diagnostics.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "diagnostics.h"

namespace portal {

struct FrontMatter {
  toml::table table;
  int table_first_line = 2;  // file line of the TOML text's first line
  std::string body;          // Markdown, LF line endings
  int body_first_line = 1;   // file line of the body's first line
};

// Normalises a file's text: drops a UTF-8 byte-order mark and turns CRLF into LF.
// Reports invalid UTF-8 and NUL bytes (which no content file may hold) as
// `rule` errors and returns nullopt then.
std::optional<std::string> normalise_source(std::string_view raw, const std::string& path, const char* rule,
                                            Diagnostics& diags);

// `text` must already be normalised.
std::optional<FrontMatter> parse_front_matter(std::string_view text, const std::string& path, Diagnostics& diags);

// Parses TOML, turning a syntax error into a diagnostic at file line `first_line + error line - 1`.
std::optional<toml::table> parse_toml(std::string_view toml_text, const std::string& path, int first_line,
                                      const char* rule, Diagnostics& diags);

// A content file as the loader, the preview and `portal new` all read it:
// normalised, and split into front matter and body.
struct SourceFile {
  std::string text;  // normalised: valid UTF-8, LF line endings
  FrontMatter front_matter;
  // The text up to the body: the front matter with its fences.
  [[nodiscard]] std::string head() const { return text.substr(0, text.size() - front_matter.body.size()); }
};

// Reads `file` (shown as `path`), normalises and splits it; nullopt, with
// the problem reported to `diags`, when it cannot be read or split.
std::optional<SourceFile> read_source(const std::filesystem::path& file, const std::string& path, Diagnostics& diags);
// The same, of bytes already read (a text typed in the editor): every check
// and limit of read_source(), so nothing beyond them reaches the Markdown parser.
std::optional<SourceFile> source_from_bytes(std::string_view raw, const std::string& path, Diagnostics& diags);

}  // namespace portal
