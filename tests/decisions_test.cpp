// Decisions: every resolution the notes record, quoted, tied to its minute,
// item and paper, on the meeting's and the paper's pages and in the register.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <tuple>

#include "support.h"
#include "text.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

// A paragraph of a notes file that records a resolution, found as a reader
// would find it with grep: a line holding RESOLVED or AGREED as a word.
struct SourceResolution {
  std::string meeting;  // "2019-10-08"
  std::string words;    // the line, without a point's number ("3\. ")
};

std::vector<SourceResolution> resolutions_in_content() {
  std::vector<SourceResolution> out;
  static const std::regex word(R"(\b(RESOLVED|AGREED)\b)");
  static const std::regex point(R"(^\d+\\?\.\s+)");
  for (const auto& e : fs::recursive_directory_iterator(repo_root() / "content" / "meetings")) {
    if (e.path().filename() != "notes.md") continue;
    std::istringstream lines(read_file(e.path()));
    for (std::string line; std::getline(lines, line);)
      if (std::regex_search(line, word))
        out.push_back({e.path().parent_path().filename().string(), std::regex_replace(line, point, "")});
  }
  return out;
}

}  // namespace

TEST_CASE("the decisions register lists every resolution of the notes in content/, quoted, at its minute",
          "[decisions]") {
  const auto source = resolutions_in_content();
  REQUIRE(source.size() >= 26);  // the two sets of notes the record holds
  TempDir tmp;
  const auto pages = build_pages(repo_root(), tmp.path() / "out");
  const std::string& reg = pages.at("decisions/index.html");
  // One entry a resolution, each quoting the notes' words.
  std::size_t entries = 0;
  for (auto at = reg.find("<li class=\"decision\">"); at != std::string::npos;
       at = reg.find("<li class=\"decision\">", at + 1))
    ++entries;
  CHECK(entries == source.size());
  for (const auto& s : source) {
    INFO(s.meeting << ": " << s.words);
    std::string words = portal::text::trim(s.words);
    // The register shows the text as a reader reads it: Markdown's escapes gone, HTML's characters escaped.
    for (auto esc = words.find('\\'); esc != std::string::npos; esc = words.find('\\', esc)) words.erase(esc, 1);
    CHECK(contains(reg, "<p>" + portal::text::html_escape(words) + "</p>"));
  }
  // Each links to a paragraph of its meeting's notes that carries that id.
  static const std::regex link(R"re(<a href="\.\./meetings/([0-9-]+)/notes/#([a-z0-9-]+)">Minute \d+</a>)re");
  std::size_t linked = 0;
  for (std::sregex_iterator it(reg.begin(), reg.end(), link), end; it != end; ++it) {
    const std::string notes = pages.at("meetings/" + (*it)[1].str() + "/notes/index.html");
    INFO((*it)[0].str());
    CHECK(contains(notes, "id=\"" + (*it)[2].str() + "\""));
    ++linked;
  }
  CHECK(linked == source.size());
  // Grouped by year, newest first, as the filter by year lists them.
  CHECK(reg.find("id=\"year-2019\"") < reg.find("id=\"year-2016\""));
  CHECK(contains(reg, "<a href=\"#year-2016\">2016</a> (12)"));
}

TEST_CASE("notes say which later meeting's agenda took them, linking to that item", "[decisions]") {
  TempDir tmp;
  const auto pages = build_pages(repo_root(), tmp.path() / "out");
  // The record's two agendas that took the last meeting's notes as an item (item A3 of March 2017, A4 of March 2020).
  const std::vector<std::tuple<std::string, std::string, std::string>> taken = {
      {"2016-10-13", "../../2017-03-15/#item-a3", "15 March 2017, item A3"},
      {"2019-10-08", "../../2020-03-18/#item-a4", "18 March 2020, item A4"}};
  for (const auto& [meeting, href, label] : taken) {
    INFO(meeting);
    const std::string& notes = pages.at("meetings/" + meeting + "/notes/index.html");
    const auto at = notes.find("On the agenda of");
    REQUIRE(at != std::string::npos);
    const std::string listed = notes.substr(at, notes.find("</dd>", at) - at);
    CHECK(contains(listed, "<a href=\"" + href + "\""));
    CHECK(contains(listed, label + "</a>"));
    CHECK(listed.find("<li>") == listed.rfind("<li>"));  // one item
  }
}

TEST_CASE("a meeting and its paper list their decisions, and one under a restricted item links to no paper",
          "[decisions]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const auto pages = build_pages(site, tmp.path() / "out");
  const std::string& meeting = pages.at("meetings/2020-03-18/index.html");
  const std::string& paper = pages.at("meetings/2020-03-18/b1-csa-update/index.html");
  CHECK(contains(meeting, "<blockquote class=\"decision-words\"><p>It was RESOLVED that the update be noted.</p>"));
  CHECK(contains(meeting, "<a href=\"notes/#para-2-2\">Minute 2</a>, on <a href=\"#item-b1\">item B1</a>"));
  // The restricted item's decision: the words the published notes print, its item, no paper.
  const auto restricted = meeting.find("RESOLVED that the Committee note the update on DHRs.");
  REQUIRE(restricted != std::string::npos);
  const std::string after = meeting.substr(restricted, meeting.find("</li>", restricted) - restricted);
  CHECK(contains(after, "<a href=\"#item-e1\">item E1</a>"));
  CHECK(contains(after, "(a restricted item: its paper is not published)"));
  CHECK_FALSE(contains(after, "Paper:"));
  CHECK_FALSE(contains(meeting, "e1-dhr-update"));
  // The paper lists the decision on its own item only.
  CHECK(contains(paper, "<a href=\"../notes/#para-2-2\">Minute 2</a>"));
  CHECK_FALSE(contains(paper, "update on DHRs"));
  // The register links back to the item and to the paper.
  const std::string& reg = pages.at("decisions/index.html");
  CHECK(contains(reg, "<a href=\"../meetings/2020-03-18/#item-b1\">item B1</a>"));
  CHECK(contains(reg, "Paper: <a href=\"../meetings/2020-03-18/b1-csa-update/\">"));
}

TEST_CASE("a site large enough for worker processes to render its texts keeps every decision", "[decisions]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  auto build = [&](const std::string& name) { return build_pages(site, tmp.path() / name, {"--jobs", "3"}); };
  const auto small = build("small");
  // Past portal::kForkBodiesFrom documents, `portal build` renders the texts in worker processes.
  for (int i = 0; i < 300; ++i)
    write_file(site / "content" / ("notice-" + std::to_string(i) + ".md"),
               "+++\ntitle = \"Notice " + std::to_string(i) + "\"\n+++\n\nA notice.\n");
  const auto large = build("large");
  REQUIRE(large.count("notice-299/index.html"));
  for (const std::string page : {"decisions/index.html", "meetings/2020-03-18/index.html"}) {
    INFO(page);
    CHECK(contains(large.at(page), "It was RESOLVED that the update be noted."));
    CHECK(large.at(page) == small.at(page));
  }
}
