#include "front_matter.h"

#include <cstdio>

#include "files.h"
#include "markdown_limits.h"
#include "text.h"

namespace portal {

namespace {

bool is_fence(std::string_view line, std::string_view fence) {
  return text::trim(line) == fence && line.substr(0, fence.size()) == fence;
}

std::string_view line_at(std::string_view text, std::size_t start) {
  const auto end = text.find('\n', start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

std::optional<std::string> normalise_source(std::string_view raw, const std::string& path, const char* rule,
                                            Diagnostics& diags) {
  if (raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);
  if (const auto bad = text::invalid_utf8_offset(raw); bad != std::string_view::npos) {
    const auto lc = text::line_col_at(raw, bad);
    diags.error(path, {lc.line, lc.column}, rule, "the file is not valid UTF-8 text",
                "save the file as UTF-8 in your editor (\"Save with encoding: UTF-8\")");
    return std::nullopt;
  }
  if (const auto nul = raw.find('\0'); nul != std::string_view::npos) {
    const auto lc = text::line_col_at(raw, nul);
    diags.error(path, {lc.line, lc.column}, rule, "the file contains a NUL byte, so it is not a text file",
                "remove the character, or keep binary files out of Markdown");
    return std::nullopt;
  }
  // Tab and line breaks are the only control characters a text file needs.
  if (auto control = text::first_control(raw); control != std::string_view::npos) {
    const auto lc = text::line_col_at(raw, control);
    diags.error(
        path, {lc.line, lc.column}, rule,
        "the file holds " + text::describe_code_point(text::decode_at(raw, control)) + ", which no page can show",
        "delete it (it is invisible in most editors: move to the column and delete the character there)");
    return std::nullopt;
  }
  // CRLF line endings become LF; a lone CR stays.
  std::string out;
  out.reserve(raw.size());
  std::size_t from = 0;
  for (auto cr = raw.find("\r\n"); cr != std::string_view::npos; cr = raw.find("\r\n", from)) {
    out.append(raw, from, cr - from);
    from = cr + 1;  // the '\n' is copied with the next run
  }
  out.append(raw, from);
  return out;
}

std::optional<toml::table> parse_toml(std::string_view toml_text, const std::string& path, int first_line,
                                      const char* rule, Diagnostics& diags) {
  try {
    return toml::parse(toml_text, path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    const int line = where.line > 0 ? first_line + static_cast<int>(where.line) - 1 : 0;
    diags.error(path, {line, static_cast<int>(where.column)}, rule,
                "TOML syntax error: " + std::string(e.description()),
                "check the quotes, brackets and `key = value` form on this line");
    return std::nullopt;
  }
}

std::optional<FrontMatter> parse_front_matter(std::string_view text, const std::string& path, Diagnostics& diags) {
  const char* rule = "front-matter";
  if (text::is_blank(text)) {
    diags.error(path, {1, 1}, rule, "the file is empty",
                "start it with a `+++` line, `title = \"...\"`, and a closing `+++` line");
    return std::nullopt;
  }
  const auto first = line_at(text, 0);
  if (is_fence(first, "---")) {
    diags.error(path, {1, 1}, rule,
                "front matter starts with `---` (YAML), but this generator reads TOML between `+++` lines",
                "replace both `---` lines with `+++` and write the fields as TOML: `title = \"...\"`");
    return std::nullopt;
  }
  if (!is_fence(first, "+++")) {
    diags.error(path, {1, 1}, rule, "the file does not start with front matter",
                "did you forget to add `+++`? Start the file with `+++`, then `title = \"...\"`, then `+++`");
    return std::nullopt;
  }
  // Find the closing fence.
  std::size_t pos = first.size() + 1;
  int line = 2;
  while (pos <= text.size()) {
    const auto current = line_at(text, pos);
    if (is_fence(current, "+++")) {
      FrontMatter fm;
      fm.table_first_line = 2;
      const auto toml_text = text.substr(first.size() + 1, pos - (first.size() + 1));
      auto table = parse_toml(toml_text, path, 2, rule, diags);
      if (!table) return std::nullopt;
      fm.table = std::move(*table);
      const auto body_start = pos + current.size() + 1;
      fm.body = body_start < text.size() ? std::string(text.substr(body_start)) : std::string();
      fm.body_first_line = line + 1;
      return fm;
    }
    if (pos + current.size() >= text.size()) break;
    pos += current.size() + 1;
    ++line;
  }
  diags.error(path, {1, 1}, rule, "the front matter opened by `+++` on line 1 is never closed",
              "add a line holding only `+++` after the last front-matter field");
  return std::nullopt;
}

namespace {

void too_large(std::size_t size, const std::string& path, Diagnostics& diags) {
  char shown[32];
  std::snprintf(shown, sizeof shown, "%.1f MB", static_cast<double>(size) / 1e6);
  diags.error(path, {}, "limit",
              std::string("the file is ") + shown + "; a content document may be at most " +
                  std::to_string(kMaxDocumentBytes / (1024 * 1024)) + " MB",
              "split it into several documents, or publish the full text as a PDF beside a shorter page");
}

}  // namespace

std::optional<SourceFile> read_source(const std::filesystem::path& file, const std::string& path, Diagnostics& diags) {
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(file, ec); !ec && size > kMaxDocumentBytes) {
    too_large(size, path, diags);
    return std::nullopt;
  }
  const auto raw = read_file(file);
  if (!raw) {
    diags.error(path, {}, "front-matter", "cannot read the file");
    return std::nullopt;
  }
  return source_from_bytes(*raw, path, diags);
}

std::optional<SourceFile> source_from_bytes(std::string_view raw, const std::string& path, Diagnostics& diags) {
  if (raw.size() > kMaxDocumentBytes) {
    too_large(raw.size(), path, diags);
    return std::nullopt;
  }
  auto text = normalise_source(raw, path, "front-matter", diags);
  if (!text) return std::nullopt;
  auto fm = parse_front_matter(*text, path, diags);
  if (!fm) return std::nullopt;
  // A text beyond the limits is never given to the Markdown parser.
  const auto problems = markdown_limit_problems(fm->body, fm->body_first_line);
  for (const auto& p : problems) diags.error(path, p.pos, "limit", p.message, p.hint);
  if (!problems.empty()) fm->body.clear();
  return SourceFile{std::move(*text), std::move(*fm)};
}

}  // namespace portal
