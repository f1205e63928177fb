// Attacks a hostile author or visitor would make, each named after what
// broke: every value from a file is hostile until checked.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

#include <sys/stat.h>

#include "email.h"
#include "feeds.h"
#include "markdown.h"
#include "pages.h"
#include "search_index.h"
#include "site.h"
#include "support.h"
#include "text.h"
#include "theme.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

// The scheme a browser reads from an href, worked out here on its own
// (WHATWG URL: leading and trailing C0 and spaces dropped, tabs and line
// breaks removed, then letters up to ':'), after HTML's character references.
std::string browser_scheme(std::string href) {
  for (const auto& [entity, text] : std::vector<std::pair<std::string, std::string>>{
           {"&amp;", "&"}, {"&#x27;", "'"}, {"&#39;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}}) {
    for (auto at = href.find(entity); at != std::string::npos; at = href.find(entity, at + text.size()))
      href.replace(at, entity.size(), text);
  }
  std::string s;
  for (char c : href)
    if (c != '\t' && c != '\n' && c != '\r') s += c;
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.erase(0, 1);
  std::smatch m;
  if (!std::regex_search(s, m, std::regex("^([A-Za-z][A-Za-z0-9+.-]*):"))) return {};
  std::string scheme = m[1];
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme;
}

std::vector<std::string> attribute_values(const std::string& html, const std::string& attribute) {
  std::vector<std::string> out;
  const std::regex re(" " + attribute + "=\"([^\"]*)\"");
  for (std::sregex_iterator it(html.begin(), html.end(), re), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

}  // namespace

TEST_CASE("a javascript: URL in front matter is refused at its key, in every URL field", "[hardening]") {
  struct Case {
    const char* name;
    std::string file, from, to, expected;
  };
  const std::vector<Case> cases = {
      {"summary_pdf", "content/dhr/diana-2020.md", "summary_pdf = \"https://example.org/dhr/diana-summary.pdf\"",
       "summary_pdf = \"javascript:alert(7)\"",
       "content/dhr/diana-2020.md:6:1: error[front-matter]: `summary_pdf` is a javascript: address, which the portal "
       "never links to; only https: and http: addresses are allowed, and @/ links"},
      {"summary_pdf in mixed case with a tab", "content/dhr/diana-2020.md",
       "summary_pdf = \"https://example.org/dhr/diana-summary.pdf\"", "summary_pdf = \"JaVa\\tScRiPt:alert(7)\"",
       "content/dhr/diana-2020.md:6:1: error[front-matter]: `summary_pdf` holds U+0009 (tab)"},
      {"a plan's url", "content/plans.toml", "url = \"https://example.org/safer-in-kent\"",
       "url = \"javascript:alert(7)\"",
       "content/plans.toml:5:1: error[front-matter]: `url` is a javascript: address, which the portal never links to"},
      {"a plan's url as a file link", "content/plans.toml", "url = \"https://example.org/safer-in-kent\"",
       "url = \"@/about.md\"",
       "content/plans.toml:5:1: error[front-matter]: `url` must be a web address, not a link to a file under content/"},
      {"source as a data: URL", "content/about.md", "source = \"https://example.org/about.pdf\"",
       "source = \"data:text/html,<script>alert(7)</script>\"",
       "content/about.md:5:1: error[front-matter]: `source` is a data: address, which the portal never links to"},
      {"source as a protocol-relative URL", "content/about.md", "source = \"https://example.org/about.pdf\"",
       "source = \"//evil.example/x\"",
       "content/about.md:5:1: error[front-matter]: `source` starts with //, which leads to whatever host follows"},
      {"base_url", "site.toml", "base_url = \"https://example.org/fixture/\"", "base_url = \"javascript:alert(7)//\"",
       "site.toml:3:1: error[config]: `base_url` is a javascript: address"},
      {"commit_url", "site.toml", "commit_url = \"https://git.example.org/fixture/commit/{hash}\"",
       "commit_url = \"vbscript:msgbox({hash})\"",
       "site.toml:10:1: error[config]: `commit_url` is a vbscript: address"},
      {"the contact e-mail", "site.toml", "email = \"team@example.org\"", "email = \"team@example.org?subject=x\"",
       "site.toml:14:1: error[config]: `email` is not an e-mail address"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    TempDir tmp;
    const auto site = copy_fixture("every-kind", tmp.path());
    replace_in(site / c.file, c.from, c.to);
    const auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string()});
    INFO(r.err);
    CHECK(r.status != 0);
    CHECK(contains(r.err, c.expected));
    CHECK_FALSE(fs::exists(tmp.path() / "out"));
  }
}

TEST_CASE("a link in content/ to a FIFO is reported, never opened: the check does not hang", "[hardening]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const auto pipe = tmp.path() / "pipe";
  REQUIRE(::mkfifo(pipe.c_str(), 0600) == 0);
  fs::create_symlink(pipe, site / "content/piped.md");
  // Were the file opened to see whether it says "restricted", this would wait for a writer for ever.
  const auto r = run({"check", "--source", site.string()});
  CHECK(r.status == 1);
  CHECK(contains(r.out, "content/piped.md: error[front-matter]: this is a symbolic link that leads out of the source"));
}

TEST_CASE("a source that is text stays text, and @/ links in front matter are checked like links", "[hardening]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  // A description with a colon in it is not an address.
  replace_in(site / "content/about.md", "source = \"https://example.org/about.pdf\"",
             "source = \"Note: javascript:alert(7) was never published\"");
  write_file(site / "content/dhr/diana-summary.pdf", "%PDF-1.4 summary\n");
  replace_in(site / "content/dhr/diana-2020.md", "summary_pdf = \"https://example.org/dhr/diana-summary.pdf\"",
             "summary_pdf = \"@/dhr/diana-summary.pdf\"");
  auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto tree = read_pages(tmp.path() / "out");
  CHECK(contains(tree.at("about/index.html"), "Source:\n\nNote: javascript:alert(7) was never published</p>"));
  CHECK(contains(tree.at("dhr/diana-2020/index.html"), "<a href=\"../diana-summary.pdf\">"));
  CHECK(tree.count("dhr/diana-summary.pdf") == 1);

  replace_in(site / "content/dhr/diana-2020.md", "summary_pdf = \"@/dhr/diana-summary.pdf\"",
             "summary_pdf = \"@/dhr/diana-sumary.pdf\"");
  r = run({"check", "--source", site.string()});
  CHECK(contains(r.out,
                 "content/dhr/diana-2020.md:6:1: error[broken-link]: the link @/dhr/diana-sumary.pdf points at a "
                 "file that does not exist (hint: did you mean @/dhr/diana-summary.pdf?)"));
  replace_in(site / "content/dhr/diana-2020.md", "summary_pdf = \"@/dhr/diana-sumary.pdf\"",
             "summary_pdf = \"@/meetings/2020-03-18/e1-annex.pdf\"");
  r = run({"check", "--source", site.string()});
  CHECK(contains(r.out,
                 "content/dhr/diana-2020.md:6:1: error[restricted-link]: the link "
                 "@/meetings/2020-03-18/e1-annex.pdf points at a file that is not published"));
}

TEST_CASE("Markdown links and images keep cmark-gfm's safe filtering, however the scheme is disguised", "[hardening]") {
  const std::vector<std::string> disguises = {"javascript:alert(1)",
                                              "JaVaScRiPt:alert(1)",
                                              "jav&#x61;script:alert(1)",
                                              "&#106;avascript:alert(1)",
                                              "<java\tscript:alert(1)>",
                                              "<java&#9;script:alert(1)>",
                                              "<java&#10;script:alert(1)>",
                                              "<&#1;javascript:alert(1)>",
                                              "< javascript:alert(1)>",
                                              "<&#x20;javascript:alert(1)>",
                                              "vbscript:msgbox(1)",
                                              "VBScript:msgbox(1)",
                                              "data:text/html;base64,PHNjcmlwdD4=",
                                              "DaTa:text/html,<script>alert(1)</script>",
                                              "<data&#58;text/html,x>",
                                              "file:///etc/passwd",
                                              "javascript&#58;alert(1)",
                                              "javascript&colon;alert(1)",
                                              "java%0ascript:alert(1)"};
  std::string markdown;
  for (const auto& d : disguises) markdown += "[link](" + d + ") ![image](" + d + ")\n\n";
  for (const char* d : {"javascript:alert(1)", "JAVASCRIPT:alert(1)", "vbscript:x", "data:text/html,x"})
    markdown += std::string("<") + d + ">\n\n";  // autolinks
  markdown += "[ref]\n\n[ref]: javascript:alert(1)\n";
  for (const bool raw : {false, true}) {
    INFO("allow_raw_html = " << raw);
    portal::MarkdownOptions options;
    options.allow_raw_html = raw;
    const auto html = portal::render_markdown(markdown, options).html;
    std::size_t links = 0;
    for (const char* attribute : {"href", "src"}) {
      for (const auto& value : attribute_values(html, attribute)) {
        ++links;
        const std::string scheme = browser_scheme(value);
        INFO(attribute << "=\"" << value << "\" scheme " << scheme);
        CHECK(scheme != "javascript");
        CHECK(scheme != "vbscript");
        CHECK(scheme != "data");
        CHECK(scheme != "file");
      }
    }
    CHECK(links >= 2 * disguises.size());  // every link was written, without its address where it was dangerous
  }
}

namespace {

// Bytes no output file may hold: C0 controls but tab and line feed (and CR
// where a format ends its lines with CRLF), DEL, C1 controls, U+FFFE/U+FFFF.
std::string forbidden_in(const std::string& bytes, bool crlf_lines) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    const bool line_end = crlf_lines && c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n';
    if ((c < 0x20 && c != '\t' && c != '\n' && !line_end) || c == 0x7F)
      return "byte " + std::to_string(c) + " at " + std::to_string(i);
    if (c == 0xC2 && i + 1 < bytes.size() && static_cast<unsigned char>(bytes[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(bytes[i + 1]) <= 0x9F)
      return "a C1 control at " + std::to_string(i);
    if (c == 0xEF && bytes.compare(i, 3, "\xEF\xBF\xBE") == 0) return "U+FFFE at " + std::to_string(i);
  }
  return {};
}

}  // namespace

TEST_CASE("a content file named with a line break is refused, and writes no line into a calendar", "[hardening]") {
  // Regression: content/events/ev⏎ATTENDEE:evil.md wrote "ATTENDEE:evil" as a line of its own in event.ics.
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  write_file(site / "content/events/ev\nATTENDEE:evil.md", "+++\ntitle = \"Evil\"\nstart = 2024-09-10T14:00:00\n+++\n");
  fs::create_directories(site / "content/meetings/2020-03-18\x1b[31m");
  write_file(site / "content/bidi\xE2\x80\xAEgpj.md", "+++\ntitle = \"Spoof\"\n+++\n");
  const auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string()});
  CHECK(r.status == 1);
  CHECK(contains(r.err,
                 "content/events/ev\\u{000A}ATTENDEE:evil.md: error[file-name]: this file's name holds U+000A "
                 "(line feed), so it cannot be part of a web address (hint: rename it with letters, digits, "
                 "spaces and hyphens only)\n"));
  CHECK(contains(r.err,
                 "content/meetings/2020-03-18\\u{001B}[31m: error[file-name]: this folder's name holds U+001B "
                 "(escape), so it cannot be part of a web address; nothing in it is read"));
  CHECK(contains(r.err,
                 "content/bidi\xE2\x80\xAEgpj.md: error[file-name]: this file's name holds U+202E "
                 "(right-to-left override)"));
  CHECK_FALSE(fs::exists(tmp.path() / "out"));
  // Every line of the report is one diagnostic: no file name breaks it.
  std::size_t lines = 0;
  for (const char c : r.err) lines += c == '\n';
  CHECK(lines == 5);  // three diagnostics, the count, and "nothing was published"
}

TEST_CASE("a control character in a front-matter string or in the text is refused where it is", "[hardening]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  // Regression: a bare CR in a title passed into SUMMARY of the calendar.
  replace_in(site / "content/events/webinar.md", "title = \"Webinar\"", "title = \"Web\\rinar\"");
  replace_in(site / "content/about.md", "+++\n\n", "+++\n\nA line from Word\x0B with a vertical tab.\n\n");
  const auto r = run({"check", "--source", site.string()});
  CHECK(r.status == 1);
  CHECK(contains(r.out,
                 "content/events/webinar.md:2:1: error[front-matter]: `title` holds U+000D (carriage return), "
                 "which no page can show (hint: remove it: look for an escape such as \\r or \\u0007 in the quotes)"));
  CHECK(contains(r.out,
                 "error[front-matter]: the file holds U+000B (vertical tab, which Word writes for a line break), "
                 "which no page can show"));
}

TEST_CASE("every writer drops control characters and escapes for its format, whatever reaches it", "[hardening]") {
  // The loader refuses these characters; the writers must not depend on it.
  portal::Site site = load_fixture("every-kind", portal::Date{2026, 12, 1, std::nullopt});
  const std::string hostile = "Evil\r\nATTENDEE:x\x07\x1b[31m <b>&amp;</b> \xC2\x85 \xEF\xBF\xBE;,\\end";
  // Character references in Markdown become characters: the renderer drops the forbidden ones.
  const std::string references = portal::render_markdown("x&#11;y&#x85;z&#xFFFE;", {}).html;
  for (std::size_t i = 0; i < site.size(); ++i) {
    portal::Document d = site.document(i);
    d.title.value = hostile;
    d.summary = hostile;
    if (auto* e = d.as<portal::EventData>()) e->location = hostile;
    if (d.kind == portal::Kind::event) d.slug = "ev\nATTENDEE:evil";
    portal::RenderedMarkdown body = site.body(i);
    body.html += references;
    site.replace(i, std::move(d), std::move(body));
  }
  const auto theme = portal::load_theme(fixture("every-kind"), "default");
  REQUIRE(theme);
  auto outputs = portal::render_outputs(site, portal::History{}, {"index.html"});
  for (auto& file : portal::render_search_index(site)) outputs.push_back(std::move(file));
  std::size_t calendars = 0, search_docs = 0;
  for (const auto& file : outputs) {
    INFO(file.path);
    const bool ics = file.path.ends_with(".ics");
    CHECK(forbidden_in(file.content, ics).empty());
    if (ics) {
      ++calendars;
      // Every line is a property or a folded continuation: no line of the attacker's own.
      for (std::size_t start = 0; start < file.content.size();) {
        const auto end = file.content.find("\r\n", start);
        REQUIRE(end != std::string::npos);
        const std::string line = file.content.substr(start, end - start);
        CHECK_FALSE(line.starts_with("ATTENDEE"));
        CHECK(line.find('\n') == std::string::npos);
        start = end + 2;
      }
      std::string unfolded = file.content;
      for (auto at = unfolded.find("\r\n "); at != std::string::npos; at = unfolded.find("\r\n ", at))
        unfolded.erase(at, 3);
      // Every calendar holds an event: its summary and its id, each escaped as one value.
      CHECK(contains(unfolded, "SUMMARY:Evil\\nATTENDEE:x[31m <b>&amp\\;</b>  \\;\\,\\\\end"));
      CHECK(contains(unfolded, "UID:ev\\nATTENDEE:evil@example.org"));
    }
    if (file.path.starts_with("search/docs/") && file.path.ends_with(".json")) {
      ++search_docs;
      CHECK_FALSE(contains(file.content, "<"));
      CHECK_FALSE(contains(file.content, ">"));
      CHECK_FALSE(contains(file.content, "&"));
      CHECK_FALSE(contains(file.content, "\r"));
      CHECK(contains(file.content, "\"title\":\"Evil\\nATTENDEE:x[31m \\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e"));
    }
  }
  CHECK(calendars >= 2);
  CHECK(search_docs >= 1);
  const auto feed =
      std::find_if(outputs.begin(), outputs.end(), [](const auto& file) { return file.path == "feeds/bulletins.xml"; });
  REQUIRE(feed != outputs.end());
  CHECK(contains(feed->content, "&lt;b&gt;&amp;amp;&lt;/b&gt;"));
  std::size_t html_copies = 0;
  for (const auto& copy : portal::render_bulletin_copies(site, *theme)) {
    INFO(copy.path);
    CHECK(forbidden_in(copy.content, false).empty());
    if (!copy.path.ends_with(".html")) continue;
    ++html_copies;
    CHECK_FALSE(contains(copy.content, "<b>&amp;</b>"));
  }
  CHECK(html_copies >= 1);
  portal::History no_history;
  const auto page = portal::render_page(site, no_history, *theme, "/about/");
  REQUIRE(page);
  CHECK(forbidden_in(page->content, false).empty());
  CHECK(contains(page->content, "<title>Evil\nATTENDEE:x[31m &lt;b&gt;&amp;amp;&lt;/b&gt;"));
}

TEST_CASE("check --format json holds no markup, and its text report one line a problem", "[hardening]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  replace_in(site / "content/about.md", "+++\n\n", "+++\n\n[x](@/</script><script>alert(1)</script>.md)\n\n");
  const auto json = run({"check", "--source", site.string(), "--format", "json"});
  CHECK(json.status == 1);
  CHECK(contains(json.out, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
  CHECK_FALSE(contains(json.out, "<"));
  CHECK_FALSE(contains(json.out, ">"));
}

TEST_CASE("a document beyond the limits is refused at the line, before the Markdown parser sees it", "[hardening]") {
  // Regression: a 5,000-column by 200-row table was killed (exit 137, no message) after about 3 seconds:
  // cmark-gfm's time grows with the square of the columns, its memory by some 500 bytes a cell.
  auto row = [](std::size_t cells, const std::string& cell) {
    std::string line = "|";
    for (std::size_t i = 0; i < cells; ++i) line += cell + "|";
    return line + "\n";
  };
  std::string wide = row(5000, "h") + row(5000, "-");
  for (int r = 0; r < 200; ++r) wide += row(5000, "c");
  std::string long_table = row(10, "h") + row(10, "---");
  for (int r = 0; r < 6000; ++r) long_table += row(10, "c");
  std::string lazy = std::string(50000, '>') + "a\n";
  for (int r = 0; r < 25000; ++r) lazy += "a\n";
  struct Case {
    const char* name;
    std::string body, expected;
  };
  const std::vector<Case> cases = {
      {"5,000 columns", wide,
       "content/limit.md:6:1: error[limit]: this table has 5,000 columns; a table may have at most 100 (hint: split it "
       "into narrower tables, or publish the data as a spreadsheet beside the page)"},
      {"60,010 cells", long_table,
       "content/limit.md:5:1: error[limit]: this table has 6,001 rows of 10 columns (60,010 cells); a table may have "
       "at "
       "most 50,000 cells"},
      {"nesting 50,000 deep", lazy,
       "content/limit.md:5:1: error[limit]: this line is nested about 50,000 levels deep in quotes, lists and "
       "indentation; at most 100 levels are allowed"},
      {"a table inside a quote", "> " + row(200, "h") + "> " + row(200, "-"),
       "content/limit.md:6:1: error[limit]: this table has 200 columns"},
      {"a file of 3 MB", std::string(3'000'000, 'x'),
       "content/limit.md: error[limit]: the file is 3.0 MB; a content document may be at most 2 MB (hint: split it "
       "into "
       "several documents, or publish the full text as a PDF beside a shorter page)"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    TempDir tmp;
    const auto site = copy_fixture("every-kind", tmp.path());
    write_file(site / "content/limit.md", "+++\ntitle = \"Limit\"\n+++\n\n" + c.body);
    const auto r = run({"check", "--source", site.string()});
    CHECK(r.status == 1);
    CHECK(contains(r.out, c.expected));
  }
}
