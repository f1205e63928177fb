#include <catch2/catch.hpp>

#include <stdexcept>

#include <unistd.h>

#include "markdown.h"
#include "markdown_workers.h"
#include "support.h"

using namespace portal;
using portal::test::contains;

namespace {

RenderedMarkdown md(const std::string& text, bool raw = false, int first_line = 1) {
  MarkdownOptions o;
  o.allow_raw_html = raw;
  o.page_url = "/meetings/2020-03-18/";
  o.first_line = first_line;
  o.resolve = [](const std::string& path) -> std::optional<std::string> {
    if (path == "content/agreements/2020-04.md") return "/agreements/2020-04/";
    if (path == "content/meetings/2020-03-18/pack.pdf") return "/meetings/2020-03-18/pack.pdf";
    return std::nullopt;
  };
  return render_markdown(text, o);
}

}  // namespace

TEST_CASE("headings get GitHub ids, repeated ones numbered", "[markdown]") {
  const auto r = md("## 239. Kent Community Safety Agreement Update (Item B1)\n\n## Leads\n\n### Leads\n\n# `Code` *em*\n");
  CHECK(r.html ==
        "<h2 id=\"239-kent-community-safety-agreement-update-item-b1\">239. Kent Community Safety Agreement Update "
        "(Item B1)</h2>\n<h2 id=\"leads\">Leads</h2>\n<h3 id=\"leads-1\">Leads</h3>\n"
        "<h1 id=\"code-em\"><code>Code</code> <em>em</em></h1>\n");
  REQUIRE(r.headings.size() == 4);
  CHECK(r.headings[1].id == "leads");
  CHECK(r.headings[2].level == 3);
  CHECK(r.headings[0].pos.line == 1);
}

TEST_CASE("raw HTML is escaped unless allowed, and tagfilter applies when it is", "[markdown]") {
  CHECK(md("<script>alert(1)</script>\n\nText <b>bold</b>\n").html ==
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n<p>Text &lt;b&gt;bold&lt;/b&gt;</p>\n");
  CHECK(md("Text <b>bold</b> <script>x</script>\n", true).html ==
        "<p>Text <b>bold</b> &lt;script>x&lt;/script></p>\n");
  CHECK(md("[x](javascript:alert(1))\n", true).html == "<p><a href=\"\">x</a></p>\n");
  CHECK(md("[x](javascript:alert(1))\n").html == "<p><a href=\"\">x</a></p>\n");
}

TEST_CASE("@/ links resolve to relative URLs and are recorded with their lines", "[markdown]") {
  const auto r = md("Intro\n\nSee [the agreement](@/agreements/2020-04.md#leads), the [pack](@/meetings/2020-03-18/pack.pdf)\n"
                    "and [a missing one](@/nowhere.md).\n",
                    false, 10);
  CHECK(r.html ==
        "<p>Intro</p>\n<p>See <a href=\"../../agreements/2020-04/#leads\">the agreement</a>, the <a href=\"pack.pdf\">pack</a>\n"
        "and <a href=\"#\">a missing one</a>.</p>\n");
  REQUIRE(r.links.size() == 3);
  CHECK(r.links[0].target_path == "content/agreements/2020-04.md");
  CHECK(r.links[0].anchor == "leads");
  CHECK(r.links[0].resolved);
  CHECK(r.links[0].pos.line == 12);
  CHECK(r.links[0].pos.column == 5);
  CHECK(r.links[0].text == "the agreement");
  CHECK_FALSE(r.links[2].resolved);
  CHECK(r.links[2].pos.line == 13);
}

TEST_CASE("GFM tables, strikethrough and autolinks", "[markdown]") {
  CHECK(md("| a | b |\n|---|---|\n| 1 | 2 |\n").html ==
        "<div class=\"table-region\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">\n<table>\n<thead>\n<tr>\n"
        "<th scope=\"col\">a</th>\n<th scope=\"col\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n"
        "</tr>\n</tbody>\n</table>\n</div>\n");
  // Regression: alignment was written as the obsolete align attribute (HTML_CodeSniffer: 20 errors on one paper).
  const auto aligned = md("| a | b |\n|:-:|--:|\n| 1 | 2 |\n").html;
  CHECK(contains(aligned, "<th scope=\"col\" style=\"text-align: center\">a</th>"));
  CHECK(contains(aligned, "<td style=\"text-align: right\">2</td>"));
  CHECK_FALSE(contains(aligned, "align="));
  CHECK(md("~~old~~ www.kent.gov.uk\n").html ==
        "<p><del>old</del> <a href=\"http://www.kent.gov.uk\">www.kent.gov.uk</a></p>\n");
}

TEST_CASE("a table is named by the heading of its section", "[markdown]") {
  const auto r = md("## 7. Leads\n\n| Priority | Lead |\n|---|---|\n| A | B |\n");
  // In a region of its own that scrolls and that the keyboard reaches, both named by the heading.
  CHECK(contains(r.html, "<div class=\"table-region\" role=\"region\" aria-labelledby=\"7-leads\" tabindex=\"0\">\n"
                         "<table aria-labelledby=\"7-leads\">"));
  CHECK(md("| a |\n|---|\n| 1 |\n").html.starts_with(
      "<div class=\"table-region\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">\n<table>\n"));  // no heading
}

TEST_CASE("images are recorded with their alt text", "[markdown]") {
  const auto r = md("![Bar chart of priorities](chart.png) ![](blank.png)\n");
  REQUIRE(r.links.size() == 2);
  CHECK(r.links[0].image);
  CHECK(r.links[0].text == "Bar chart of priorities");
  CHECK(r.links[1].text.empty());
}

namespace {

// Everything a rendering holds, as text, to compare two renderings whole.
std::string dump(const RenderedMarkdown& r) {
  std::string s = r.html + "\n--\n";
  for (const auto& h : r.headings)
    s += std::to_string(h.level) + "|" + h.text + "|" + h.id + "|" + std::to_string(h.pos.line) + ":" +
         std::to_string(h.pos.column) + "\n";
  for (const auto& l : r.links)
    s += l.url + "|" + l.target_path + "|" + l.anchor + "|" + l.text + "|" + std::to_string(l.image) +
         std::to_string(l.internal) + std::to_string(l.resolved) + "|" + std::to_string(l.pos.line) + ":" +
         std::to_string(l.pos.column) + "\n";
  return s;
}

std::vector<std::string> many_bodies() {
  std::vector<std::string> bodies;
  for (int i = 0; i < 60; ++i) {
    bodies.push_back("## Part " + std::to_string(i) + "\n\nSee [the leads](@/agreements/2020-04.md#leads) and [nothing](@/none.md), " +
                     "~~struck~~ <b>raw</b> www.kent.gov.uk.\n\n| A | B |\n|---|---|\n| " + std::to_string(i) +
                     " | ![chart](@/meetings/2020-03-18/pack.pdf) |\n\n### Part " + std::to_string(i) + "\n\n" +
                     std::string(static_cast<std::size_t>(i) * 40, 'x') + "\n");
  }
  return bodies;
}

}  // namespace

TEST_CASE("Markdown rendered in worker processes is what this process renders", "[markdown]") {
  const auto bodies = many_bodies();
  auto render = [&](std::size_t i) { return md(bodies[i], i % 7 == 0); };
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < bodies.size(); i += 1 + i % 2) which.push_back(i);  // not every body
  std::vector<RenderedMarkdown> here(bodies.size()), forked(bodies.size());
  render_bodies(which, {2, 0}, render, here);
  render_bodies(which, {3, 1}, render, forked);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    INFO("body " << i);
    CHECK(dump(forked[i]) == dump(here[i]));
  }
  CHECK(here[which.back()].headings.size() == 2);
  CHECK(here[2].html.empty());  // not asked for
  CHECK(forked[2].html.empty());
}

TEST_CASE("what a failing worker process leaves is rendered in this process", "[markdown]") {
  const auto bodies = many_bodies();
  const pid_t parent = getpid();
  auto render = [&](std::size_t i) {
    if (getpid() != parent && i > 20) throw std::runtime_error("a worker fails part-way");
    return md(bodies[i]);
  };
  std::vector<std::size_t> which(bodies.size());
  for (std::size_t i = 0; i < which.size(); ++i) which[i] = i;
  std::vector<RenderedMarkdown> out(bodies.size());
  render_bodies(which, {2, 1}, render, out);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    INFO("body " << i);
    CHECK(dump(out[i]) == dump(md(bodies[i])));
  }
}
