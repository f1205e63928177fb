#include <catch2/catch.hpp>

#include "config.h"
#include "front_matter.h"
#include "model.h"

using namespace portal;

namespace {

// Runs the loader stages on a file's text and returns the diagnostics as text.
std::string problems(const std::string& raw, Kind kind = Kind::page, const std::string& path = "content/x.md") {
  Diagnostics diags;
  if (auto text = normalise_source(raw, path, "front-matter", diags)) {
    if (auto fm = parse_front_matter(*text, path, diags))
      read_document(kind, fm->table, fm->table_first_line, path, diags);
  }
  diags.sort();
  return format_text(diags);
}

}  // namespace

TEST_CASE("front matter and body are split with their lines", "[front-matter]") {
  Diagnostics diags;
  const auto fm = parse_front_matter("+++\ntitle = \"A\"\n+++\nBody line\n", "content/a.md", diags);
  REQUIRE(fm);
  CHECK(diags.items().empty());
  CHECK(fm->table["title"].value_or(std::string()) == "A");
  CHECK(fm->body == "Body line\n");
  CHECK(fm->body_first_line == 4);
}

TEST_CASE("a TOML syntax error points at the file's line and column", "[front-matter]") {
  CHECK(problems("+++\ntitle = \"A\"\nsummary = \"unterminated\n+++\n") ==
        "content/x.md:3:24: error[front-matter]: TOML syntax error: Error while parsing string: unescaped control "
        "characters other than TAB (U+0009) are explicitly prohibited (hint: check the quotes, brackets and `key = "
        "value` form on this line)\n"
        "1 error, 0 warnings\n");
}

TEST_CASE("missing, unterminated and YAML front matter are explained", "[front-matter]") {
  CHECK(problems("") ==
        "content/x.md:1:1: error[front-matter]: the file is empty (hint: start it with a `+++` line, "
        "`title = \"...\"`, and a closing `+++` line)\n1 error, 0 warnings\n");
  CHECK(problems("# Just Markdown\n") ==
        "content/x.md:1:1: error[front-matter]: the file does not start with front matter (hint: did you forget to "
        "add `+++`? Start the file with `+++`, then `title = \"...\"`, then `+++`)\n1 error, 0 warnings\n");
  CHECK(problems("+++\ntitle = \"A\"\n") ==
        "content/x.md:1:1: error[front-matter]: the front matter opened by `+++` on line 1 is never closed (hint: "
        "add a line holding only `+++` after the last front-matter field)\n1 error, 0 warnings\n");
  CHECK(problems("+++\n") ==
        "content/x.md:1:1: error[front-matter]: the front matter opened by `+++` on line 1 is never closed (hint: "
        "add a line holding only `+++` after the last front-matter field)\n1 error, 0 warnings\n");
  CHECK(problems("---\ntitle: A\n---\n") ==
        "content/x.md:1:1: error[front-matter]: front matter starts with `---` (YAML), but this generator reads "
        "TOML between `+++` lines (hint: replace both `---` lines with `+++` and write the fields as TOML: "
        "`title = \"...\"`)\n1 error, 0 warnings\n");
}

TEST_CASE("invalid UTF-8 and NUL bytes are refused, a BOM and CRLF are accepted", "[front-matter]") {
  CHECK(problems("+++\ntitle = \"caf\xE9\"\n+++\n") ==
        "content/x.md:2:13: error[front-matter]: the file is not valid UTF-8 text (hint: save the file as UTF-8 in "
        "your editor (\"Save with encoding: UTF-8\"))\n1 error, 0 warnings\n");
  CHECK(problems(std::string("+++\ntitle = \"A\"\n+++\nx\0y\n", 24)) ==
        "content/x.md:4:2: error[front-matter]: the file contains a NUL byte, so it is not a text file (hint: remove "
        "the character, or keep binary files out of Markdown)\n1 error, 0 warnings\n");
  CHECK(problems("\xEF\xBB\xBF+++\r\ntitle = \"A\"\r\n+++\r\nBody\r\n").empty());
  Diagnostics diags;
  CHECK(portal::normalise_source("a\r\nb\rc\r\n\r\nd\r", "content/x.md", "front-matter", diags) ==
        std::optional<std::string>("a\nb\rc\n\nd\r"));  // CRLF becomes LF; a lone CR stays
}

TEST_CASE("required keys, types and unknown keys", "[front-matter]") {
  CHECK(problems("+++\nsummary = \"no title\"\n+++\n") ==
        "content/x.md:2:1: error[front-matter]: the front matter has no `title` (hint: add `title = \"...\"`)\n"
        "1 error, 0 warnings\n");
  CHECK(problems("+++\ntitle = 3\n+++\n") ==
        "content/x.md:2:1: error[front-matter]: `title` must be a string in quotes, not an integer (hint: write it "
        "like title = \"...\")\n1 error, 0 warnings\n");
  CHECK(problems("+++\ntitle = \"A\"\ntilte = \"B\"\n+++\n") ==
        "content/x.md:3:1: error[front-matter]: unknown key `tilte` in the front matter (hint: did you mean "
        "`title`?)\n1 error, 0 warnings\n");
  CHECK(problems("+++\ntitle = \"A\"\ndate = \"2024-06-01\"\n+++\n", Kind::bulletin) ==
        "content/x.md:3:1: error[front-matter]: `date` must be a TOML date, not a string (hint: remove the quotes: "
        "date = 2024-06-01)\n1 error, 0 warnings\n");
  CHECK(problems("+++\ntitle = \"A\"\ndate = 2024-02-30\n+++\n", Kind::bulletin).starts_with("content/x.md:3:"));
  CHECK(problems("+++\ntitle = \"A\"\n[[items]]\ncode = \"A1\"\ntitel = \"x\"\n+++\n", Kind::meeting) ==
        "content/x.md:2:1: error[front-matter]: the front matter has no `date` (hint: add `date = "
        "2020-03-18T10:00:00`)\n"
        "content/x.md:3:1: error[front-matter]: this [[items]] entry has no `title` (hint: add `title = \"...\"`)\n"
        "content/x.md:5:1: error[front-matter]: unknown key `titel` in this [[items]] entry (hint: did you mean "
        "`title`?)\n3 errors, 0 warnings\n");
}

TEST_CASE("site.toml: unknown keys with their line, and wrong types", "[config]") {
  Diagnostics diags;
  const auto cfg = parse_config(
      "title = \"T\"\npartnership = \"P\"\nbase_url = \"https://example.org/x\"\ncolour = \"red\"\n\n[history]\n"
      "mode = \"sometimes\"\n",
      "site.toml", diags);
  CHECK_FALSE(cfg);
  diags.sort();
  CHECK(format_text(diags) ==
        "site.toml:4:1: error[config]: unknown key `colour` in site.toml (hint: remove it; "
        "docs/content-format.md lists the keys each file takes)\n"
        "site.toml:7:1: error[config]: `mode` must be \"full\", \"dates\" or \"none\", not \"sometimes\" (hint: "
        "write mode = \"full\")\n2 errors, 0 warnings\n");

  Diagnostics ok;
  const auto good =
      parse_config("title = \"T\"\npartnership = \"P\"\nbase_url = \"https://example.org/x\"\n", "site.toml", ok);
  REQUIRE(good);
  CHECK(good->base_url == "https://example.org/x/");
  CHECK(good->output_dir == "public");
  CHECK(good->history_mode == HistoryMode::full);
}
