// Bad input never crashes the generator: each case is refused with a
// diagnostic naming the file, or accepted safely where the format allows.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

struct BadInput {
  const char* name;
  std::string path;  // under the site
  std::string content;
  std::string expected;  // the start of the report line, e.g. "content/x.md:1:1: error[front-matter]: "
};

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("bad input is refused with a diagnostic naming the file", "[reliability]") {
  const std::vector<BadInput> cases = {
      {"invalid UTF-8", "content/bad-utf8.md", "+++\ntitle = \"caf\xE9\"\n+++\n",
       "content/bad-utf8.md:2:13: error[front-matter]: the file is not valid UTF-8 text"},
      {"NUL byte", "content/nul.md", std::string("+++\ntitle = \"A\"\n+++\nx\0y\n", 24),
       "content/nul.md:4:2: error[front-matter]: the file contains a NUL byte"},
      {"empty file", "content/empty.md", "", "content/empty.md:1:1: error[front-matter]: the file is empty"},
      {"a lone +++", "content/lone.md", "+++\n",
       "content/lone.md:1:1: error[front-matter]: the front matter opened by `+++` on line 1 is never closed"},
      {"wrong TOML type", "content/types.md", "+++\ntitle = [1, 2]\n+++\n",
       "content/types.md:2:1: error[front-matter]: `title` must be a string in quotes, not a list"},
      {"impossible date", "content/bulletins/2024-02.md", "+++\ntitle = \"B\"\ndate = 2024-02-30\n+++\n",
       "content/bulletins/2024-02.md:3:"},
      {"string where a date belongs", "content/bulletins/2024-03.md",
       "+++\ntitle = \"B\"\ndate = \"2024-03-01\"\n+++\n",
       "content/bulletins/2024-03.md:3:1: error[front-matter]: `date` must be a TOML date, not a string (hint: remove "
       "the quotes: date = 2024-03-01)"},
      {"unknown key", "content/keys.md", "+++\ntitle = \"A\"\nauthor = \"B\"\n+++\n",
       "content/keys.md:3:1: error[front-matter]: unknown key `author` in the front matter"},
      {"YAML front matter", "content/yaml.md", "---\ntitle: A\n---\n",
       "content/yaml.md:1:1: error[front-matter]: front matter starts with `---` (YAML), but this generator reads TOML "
       "between `+++` lines"},
      {"a paper outside its folder", "content/meetings/2020-03-18/_index.md",
       "+++\ntitle = \"M\"\ndate = 2020-03-18\n\n[[items]]\ncode = \"B1\"\ntitle = \"Paper\"\npaper = "
       "\"../2019-10-08/_index.md\"\n+++\n",
       "content/meetings/2020-03-18/_index.md:8:1: error[missing-paper]: `paper` must name a file in this meeting's "
       "folder"},
      {"an event that ends before it starts", "content/events/late.md",
       "+++\ntitle = \"Late\"\nstart = 2024-09-10T14:00:00\nend = 2024-09-10T13:00:00\n+++\n",
       "content/events/late.md:4:1: error[front-matter]: `end` is before `start`"},
      {"an event whose end is a day but whose start is a time", "content/events/mixed.md",
       "+++\ntitle = \"Mixed\"\nstart = 2024-09-10T14:00:00\nend = 2024-09-11\n+++\n",
       "content/events/mixed.md:4:1: error[front-matter]: `end` must be written like `start`: both dates, or both "
       "dates with a time of day"},
      {"a link climbing out of content/", "content/escape.md",
       "+++\ntitle = \"E\"\n+++\n\n[secrets](@/../../site.toml)\n",
       "content/escape.md:5:1: error[broken-link]: the link @/../../site.toml climbs out of the content folder"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    TempDir tmp;
    const auto site = copy_fixture("every-kind", tmp.path());
    write_file(site / c.path, c.content);
    const auto r = run({"check", "--source", site.string()});
    CHECK(r.status == 1);
    CHECK(contains(r.out, c.expected));
  }
}

TEST_CASE("a symbolic link is never followed, and one leading out of the source is named", "[reliability]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  write_file(tmp.path() / "outside/secret.txt", "LEAKTOKEN-OUTSIDE");
  fs::create_symlink(tmp.path() / "outside/secret.txt", site / "content/secret.txt");
  const auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string()});
  CHECK(r.status == 1);
  CHECK(contains(
      r.err, "content/secret.txt: error[front-matter]: this is a symbolic link that leads out of the source folder"));
  CHECK_FALSE(fs::exists(tmp.path() / "out"));
}

TEST_CASE("CRLF, a byte-order mark, very long lines and nesting within the limits are accepted, raw HTML is escaped",
          "[reliability]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  write_file(site / "content/windows.md",
             "\xEF\xBB\xBF+++\r\ntitle = \"Written on Windows\"\r\n+++\r\n\r\nA paragraph.\r\n");
  write_file(site / "content/long.md", "+++\ntitle = \"Long\"\n+++\n\n" + repeat("word ", 400000) + "\n");
  write_file(site / "content/nested.md", "+++\ntitle = \"Nested\"\n+++\n\n" + repeat("> ", 100) + "deep\n\n" +
                                             repeat("- ", 100) + "list\n\n" + repeat("[", 50000) + "\n\n" +
                                             repeat("*", 50000) + "\n");
  write_file(
      site / "content/script.md",
      "+++\ntitle = \"Script\"\n+++\n\n<script>alert('LEAKTOKEN-SCRIPT')</script>\n\n<img src=x onerror=alert(1)>\n");
  const auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto tree = read_pages(tmp.path() / "out");
  CHECK(contains(tree.at("windows/index.html"), "<h1>Written on Windows</h1>"));
  CHECK(contains(tree.at("windows/index.html"), "<p>A paragraph.</p>"));
  CHECK(tree.at("long/index.html").size() > 2'000'000);
  CHECK(contains(tree.at("nested/index.html"), "deep"));
  const auto& script = tree.at("script/index.html");
  CHECK_FALSE(contains(script, "<script>alert"));
  CHECK(contains(script, "&lt;script&gt;alert('LEAKTOKEN-SCRIPT')&lt;/script&gt;"));
  CHECK_FALSE(contains(script, "<img src=x"));
}

TEST_CASE("file names with spaces and non-ASCII letters are published with working links", "[reliability]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  write_file(site / "content/café notes.md",
             "+++\ntitle = \"Café notes\"\n+++\n\nSee [the pack](<@/meetings/2020-03-18/pack (final).pdf>).\n");
  write_file(site / "content/meetings/2020-03-18/pack (final).pdf", "%PDF-1.4 final\n");
  write_file(site / "content/links.md", "+++\ntitle = \"Links\"\n+++\n\nRead [the café notes](<@/café notes.md>).\n");
  const auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto tree = read_pages(tmp.path() / "out");
  REQUIRE(tree.count("café notes/index.html") == 1);
  CHECK(
      contains(tree.at("café notes/index.html"), "<a href=\"../meetings/2020-03-18/pack%20(final).pdf\">the pack</a>"));
  CHECK(contains(tree.at("links/index.html"), "<a href=\"../caf%C3%A9%20notes/\">the café notes</a>"));
  CHECK(tree.count("meetings/2020-03-18/pack (final).pdf") == 1);
  CHECK(contains(tree.at("sitemap.xml"), "<loc>https://example.org/fixture/caf%C3%A9%20notes/</loc>"));
}
