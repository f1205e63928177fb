// End-to-end: fixture sites through the command line, as a user runs it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

#include "diagnostics.h"
#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

CliRun build(const fs::path& source, const fs::path& output, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"build", "--source", source.string(), "--output", output.string(), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run(args);
}

bool any_file_contains(const std::map<std::string, std::string>& tree, const std::string& needle) {
  return std::any_of(tree.begin(), tree.end(), [&](const auto& f) {
    return f.first.find(needle) != std::string::npos || f.second.find(needle) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("every published document of the every-kind site gets its page", "[site]") {
  TempDir tmp;
  const auto r = build(fixture("every-kind"), tmp.path() / "out");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto tree = read_pages(tmp.path() / "out");
  const std::vector<std::string> expected = {".portal-output",
                                             "404.html",
                                             "about/index.html",
                                             "agreements/2019-04/index.html",
                                             "agreements/2020-04/changes/index.html",
                                             "agreements/2020-04/index.html",
                                             "agreements/index.html",
                                             "assets/portal.css",
                                             "assets/search.js",
                                             "bulletins/2024-06/bulletin.txt",
                                             "bulletins/2024-06/email.html",
                                             "bulletins/2024-06/index.html",
                                             "bulletins/index.html",
                                             "contact/index.html",
                                             "decisions/index.html",
                                             "dhr/diana-2020/index.html",
                                             "dhr/index.html",
                                             "events/annual-conference-2999/annual-conference-2999.ics",
                                             "events/annual-conference-2999/index.html",
                                             "events/index.html",
                                             "events/information-session/index.html",
                                             "events/information-session/information-session.ics",
                                             "events/upcoming.ics",
                                             "events/webinar/index.html",
                                             "events/webinar/webinar.ics",
                                             "favicon.ico",
                                             "feeds/bulletins.xml",
                                             "index.html",
                                             "meetings/2019-10-08/index.html",
                                             "meetings/2020-03-18/agenda-pack.pdf",
                                             "meetings/2020-03-18/b1-csa-update/index.html",
                                             "meetings/2020-03-18/index.html",
                                             "meetings/2020-03-18/notes/index.html",
                                             "meetings/2999-01-13/index.html",
                                             "meetings/index.html",
                                             "plans/drug-strategy/index.html",
                                             "plans/index.html",
                                             "plans/safer-in-kent/index.html",
                                             "priorities/domestic-abuse/index.html",
                                             "priorities/early-intervention/index.html",
                                             "priorities/index.html",
                                             "priorities/serious-organised-crime/index.html",
                                             "priorities/serious-violence-organised-crime/index.html",
                                             "robots.txt",
                                             "search/index.html",
                                             "search/meta.json",
                                             "sitemap.xml"};
  // Exactly these: no page, list entry or file for restricted, draft or future-dated material...
  std::vector<std::string> actual;
  std::map<std::string, int> pieces;
  static const std::regex piece("search/(words|stems|places|docs|dirs)/([a-z]+-)?[0-9]+-[0-9a-f]{8}\\.(json|txt)");
  for (const auto& [path, content] : tree) {
    if (std::regex_match(path, piece))
      ++pieces[path.substr(7, path.find('/', 7) - 7)];
    else
      actual.push_back(path);
  }
  CHECK(actual == expected);
  // ...and the search index's pieces, named by their content: one of each at this size (a page's texts in
  // .txt), and a directory of each list of pieces.
  CHECK(pieces == std::map<std::string, int>{{"dirs", 3}, {"docs", 2}, {"places", 1}, {"stems", 1}, {"words", 1}});
  CHECK(tree.count(".portal-output") == 1);

  const std::string& agreement = tree.at("agreements/2020-04/index.html");
  for (const char* shown :
       {"<dd>4.0</dd>", "1 April 2020", "<strong class=\"nowrap\">In force</strong>",
        "Serious Violence and Organised Crime", "<li>Modern Slavery / Human Trafficking</li>",
        "Formerly: Serious and Organised Crime", "Early intervention, prevention and education",
        "<tr><th scope=\"row\">Domestic Abuse</th><td>Domestic Abuse Lead, Fixture Council</td></tr>",
        "<a href=\"../../plans/safer-in-kent/\">Safer in Kent", "Kent Drug and Alcohol Strategy",
        "<tr><th scope=\"row\">4.0</th><td>April 2020</td><td>Ch.6 - minor change to one priority</td></tr>",
        "<tr><th scope=\"row\">Anti-Social Behaviour</th><td>4</td></tr>",
        "<a href=\"../2019-04/\">Community Safety Agreement (April 2019)</a>",
        "<h2 id=\"1-introduction\">1. Introduction</h2>"}) {
    INFO(shown);
    CHECK(agreement.find(shown) != std::string::npos);
  }
  CHECK(tree.at("agreements/2019-04/index.html").find("Superseded by <a href=\"../2020-04/\">") != std::string::npos);

  const std::string& meeting = tree.at("meetings/2020-03-18/index.html");
  CHECK(meeting.find("Wednesday 18 March 2020, 10.00am") != std::string::npos);
  CHECK(meeting.find("Medway Room, Sessions House, County Hall, Maidstone") != std::string::npos);
  CHECK(meeting.find("<td><span class=\"cell-label\">Paper: </span><a href=\"b1-csa-update/\">Kent Community Safety "
                     "Agreement Update</a></td>") != std::string::npos);
  CHECK(meeting.find("<tr id=\"item-e1\" class=\"restricted\">\n<th scope=\"row\"><span class=\"cell-label\">Item "
                     "</span>E1</th>\n<td>Domestic Homicide Reviews (DHRs) update<br><a "
                     "href=\"notes/#3-domestic-homicide-reviews-dhrs-update-item-e1\"") != std::string::npos);
  CHECK(meeting.find("<strong>Restricted</strong>: not for publication") != std::string::npos);
  CHECK(meeting.find("e1-dhr-update") == std::string::npos);
  // The item that takes an earlier meeting's notes links to them (its page, when the portal holds none).
  CHECK(meeting.find("<span class=\"cell-label\">Paper: </span><a href=\"../2019-10-08/\">Partnership meeting, 8 "
                     "October 2019</a> (the portal holds no notes of that meeting)") != std::string::npos);

  const std::string& paper = tree.at("meetings/2020-03-18/b1-csa-update/index.html");
  CHECK(paper.find("<a href=\"../#item-b1\">B1: Kent Community Safety Agreement Update</a> (pages 11-42)") !=
        std::string::npos);
  CHECK(paper.find("<li>Community Safety Team Leader</li>") != std::string::npos);
  CHECK(paper.find("<dd>For Information</dd>") != std::string::npos);
  CHECK(
      paper.find("<li><a href=\"../../../priorities/serious-organised-crime/\">Serious and Organised Crime</a></li>") !=
      std::string::npos);

  const std::string& dhr = tree.at("dhr/diana-2020/index.html");
  CHECK(dhr.find("<dd>Diana</dd>") != std::string::npos);
  CHECK(dhr.find("<dd>2020</dd>") != std::string::npos);
  CHECK(dhr.find("1 May 2021") != std::string::npos);
  CHECK(dhr.find("href=\"https://example.org/dhr/diana-summary.pdf\"") != std::string::npos);

  const std::string& notes = tree.at("meetings/2020-03-18/notes/index.html");
  CHECK(notes.find("Mr A Chair (Chairman)") != std::string::npos);
  CHECK(notes.find("Mr C Officer (Head of Community Safety)") != std::string::npos);
  CHECK(notes.find("<h2 id=\"2-kent-community-safety-agreement-update-item-b1\">") != std::string::npos);

  const std::string& home = tree.at("index.html");
  CHECK(home.find("<a href=\"agreements/2020-04/#leads\">the April 2020 agreement</a>") != std::string::npos);
  CHECK(home.find("&lt;script&gt;alert(&quot;raw&quot;)&lt;/script&gt;") != std::string::npos);
  CHECK(home.find("<script>") == std::string::npos);
  CHECK(home.find("<html lang=\"en-GB\">") != std::string::npos);

  const std::string& event = tree.at("events/information-session/index.html");
  CHECK(event.find("24 July 2024, 10.00am</time> to <time datetime=\"2024-07-24T12:30:00\">12.30pm</time>") !=
        std::string::npos);
  CHECK(event.find("Oakwood House, Maidstone") != std::string::npos);
}

TEST_CASE("restricted, draft and future content reaches no output file", "[site][leak]") {
  TempDir tmp;
  REQUIRE(build(fixture("every-kind"), tmp.path() / "out").status == 0);
  const auto tree = read_tree(tmp.path() / "out");
  CHECK_FALSE(any_file_contains(tree, "LEAKTOKEN"));
  CHECK_FALSE(any_file_contains(tree, "secret-page"));
  CHECK_FALSE(any_file_contains(tree, "e1-annex"));

  // A --drafts preview shows drafts, and still nothing restricted or future-dated.
  REQUIRE(build(fixture("every-kind"), tmp.path() / "drafts", {"--drafts"}).status == 0);
  const auto preview = read_tree(tmp.path() / "drafts");
  CHECK(any_file_contains(preview, "LEAKTOKEN-DRAFT-BODY"));
  CHECK(preview.at("draft-page/index.html").find("<strong>DRAFT</strong>") != std::string::npos);
  for (const char* token : {"LEAKTOKEN-RESTRICTED", "LEAKTOKEN-FUTURE"}) {
    INFO(token);
    CHECK_FALSE(any_file_contains(preview, token));
  }
  // The search index holds words lower-cased and cut at hyphens: no piece of any leak token, draft or not,
  // in either build; drafts are never indexed, not even for a preview.
  for (const auto* build : {&tree, &preview}) {
    std::size_t searched = 0;
    for (const auto& [path, content] : *build) {
      if (!path.starts_with("search/") || path == "search/index.html") continue;
      INFO(path);
      ++searched;
      std::string lower = content;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      for (const char* token :
           {"leaktoken", "secret-page", "draft-page", "e1-annex", "e1-dhr-update", "bulletins/2999-01"})
        CHECK(lower.find(token) == std::string::npos);
    }
    CHECK(searched >= 5);
  }
  // 28 pages, the two decisions of the fixture's notes and the decisions register.
  CHECK(contains(preview.at("search/meta.json"), "\"documents\":" + std::to_string(31)));
  CHECK(contains(tree.at("search/meta.json"), "\"documents\":" + std::to_string(31)));
}

TEST_CASE("the same input gives the same bytes, on one thread or two", "[site]") {
  TempDir tmp;
  REQUIRE(build(fixture("every-kind"), tmp.path() / "one", {"--jobs", "1"}).status == 0);
  REQUIRE(build(fixture("every-kind"), tmp.path() / "two", {"--jobs", "2"}).status == 0);
  const auto one = read_tree(tmp.path() / "one");
  CHECK(one == read_tree(tmp.path() / "two"));
  REQUIRE(build(fixture("every-kind"), tmp.path() / "one", {"--jobs", "2"}).status == 0);
  CHECK(one == read_tree(tmp.path() / "one"));
}

TEST_CASE("a TOML syntax error stops the build and leaves the previous output untouched", "[site]") {
  TempDir tmp;
  const auto site = copy_fixture("invalid-toml", tmp.path());
  const auto home = site / "content" / "_index.md";
  const std::string broken = read_file(home);
  write_file(home, "+++\ntitle = \"Home\"\n+++\n\nThe last good text.\n");
  const auto output = site / "public";
  REQUIRE(run({"build", "--source", site.string(), "--quiet"}).status == 0);
  const auto before = read_tree(output);
  REQUIRE(before.at("index.html").find("The last good text.") != std::string::npos);

  write_file(home, broken);
  const auto r = run({"build", "--source", site.string()});
  CHECK(r.status == 1);
  CHECK(r.err ==
        "content/_index.md:3:37: error[front-matter]: TOML syntax error: Error while parsing string: unescaped "
        "control characters other than TAB (U+0009) are explicitly prohibited (hint: check the quotes, brackets and "
        "`key = value` form on this line)\n1 error, 0 warnings\n"
        "portal: nothing was published: fix the errors above and build again\n");
  CHECK(read_tree(output) == before);
  CHECK_FALSE(fs::exists(site / ".public.next"));  // nothing was begun
}

TEST_CASE("check reports every duplicate id, in order, as text and as JSON", "[check]") {
  const auto text = run({"check", "--source", fixture("duplicate-id").string()});
  CHECK(text.status == 1);
  CHECK(text.out ==
        "content/agreements/2020-04.md:12:1: error[duplicate-id]: cross-cutting theme id \"domestic-abuse\" is already "
        "used on line 8 (hint: give each priority and cross-cutting theme its own id)\n"
        "content/meetings.md:1:1: error[duplicate-id]: this file's page /meetings/ is also a page the portal makes "
        "itself (hint: rename the file so that its address is unique)\n"
        "content/meetings/2020-03-18/_index.md:10:1: error[duplicate-id]: agenda item code B1 is already used on line "
        "6 (hint: give each agenda item its own code, as the printed agenda does)\n"
        "content/plans.toml:7:1: error[duplicate-id]: plan id \"safer-in-kent\" is already used on line 2 (hint: give "
        "each [[plan]] its own id)\n"
        "4 errors, 0 warnings\n");

  const auto json = run({"check", "--source", fixture("duplicate-id").string(), "--format", "json"});
  CHECK(json.status == 1);
  CHECK(json.out.starts_with("{\n"));
  CHECK(json.out.find("\"errors\" : 4") != std::string::npos);
  CHECK(json.out.find("\"warnings\" : 0") != std::string::npos);
  CHECK(json.out.find("{\n            \"column\" : 1,\n            \"file\" : \"content/plans.toml\",\n"
                      "            \"hint\" : \"give each [[plan]] its own id\",\n            \"line\" : 7,\n"
                      "            \"message\" : \"plan id \\\"safer-in-kent\\\" is already used on line 2\",\n"
                      "            \"rule\" : \"duplicate-id\",\n            \"severity\" : \"error\"\n        }") !=
        std::string::npos);
}

TEST_CASE("check --format github writes one GitHub Actions annotation a problem, escaped as GitHub reads them",
          "[check]") {
  const auto r = run({"check", "--source", fixture("duplicate-id").string(), "--format", "github"});
  CHECK(r.status == 1);
  CHECK(
      r.out ==
      "::error file=content/agreements/2020-04.md,line=12,col=1,title=portal duplicate-id::cross-cutting theme id "
      "\"domestic-abuse\" is already used on line 8 (hint: give each priority and cross-cutting theme its own id)\n"
      "::error file=content/meetings.md,line=1,col=1,title=portal duplicate-id::this file's page /meetings/ is also a "
      "page the portal makes itself (hint: rename the file so that its address is unique)\n"
      "::error file=content/meetings/2020-03-18/_index.md,line=10,col=1,title=portal duplicate-id::agenda item code B1 "
      "is already used on line 6 (hint: give each agenda item its own code, as the printed agenda does)\n"
      "::error file=content/plans.toml,line=7,col=1,title=portal duplicate-id::plan id \"safer-in-kent\" is already "
      "used on line 2 (hint: give each [[plan]] its own id)\n");
  // Each line is one command: ::error or ::warning, properties, ::, the message.
  static const std::regex line(
      R"(::(error|warning) file=[^,:]+(,line=[0-9]+(,col=[0-9]+)?)?,title=portal [a-z-]+::[^\n]*)");
  std::size_t lines = 0;
  for (std::size_t at = 0; at < r.out.size(); ++lines) {
    const auto nl = r.out.find('\n', at);
    CHECK(std::regex_match(r.out.substr(at, nl - at), line));
    at = nl + 1;
  }
  CHECK(lines == 4);
  // What GitHub would read as the end of a property or of the command is escaped.
  portal::Diagnostics ds;
  ds.error("content/a,b:c%.md", {3, 4}, "broken-link", "line one\nline two 100%\r", "hint: x, y");
  ds.warning("content/x.md", {}, "no-agreement", "no place");
  CHECK(portal::format_github(ds) ==
        "::error file=content/a%2Cb%3Ac%25.md,line=3,col=4,title=portal broken-link::line one%0Aline two 100%25%0D "
        "(hint: hint: x, y)\n"
        "::warning file=content/x.md,title=portal no-agreement::no place\n");
}

TEST_CASE("broken and restricted @/ links are reported where they are written", "[check]") {
  const auto r = run({"check", "--source", fixture("broken-link").string()});
  CHECK(r.status == 1);
  CHECK(r.out ==
        "content/_index.md:5:5: error[broken-link]: the link @/agreements/2020-04.md#lead points at #lead, which is "
        "not a heading or numbered paragraph of content/agreements/2020-04.md (hint: did you mean #leads?)\n"
        "content/_index.md:5:55: error[broken-link]: the link @/agreements/2019-4.md points at a file that does not "
        "exist (hint: did you mean @/agreements/2019-04.md?)\n"
        "content/_index.md:7:6: error[restricted-link]: the link @/secret.md points at content/secret.md, which is "
        "restricted (hint: remove the link, or publish the target first)\n"
        "content/_index.md:7:34: error[restricted-link]: the link @/agreements/draft.md points at "
        "content/agreements/draft.md, which is a draft (hint: remove the link, or publish the target first)\n"
        "4 errors, 0 warnings\n");
}

TEST_CASE("configuration problems exit 2 and say what to do", "[cli]") {
  const auto bad = run({"check", "--source", fixture("invalid-config").string()});
  CHECK(bad.status == 2);
  CHECK(bad.err ==
        "site.toml:4:1: error[config]: `allow_raw_html` must be true or false, not a string (hint: write it like "
        "allow_raw_html = true)\n"
        "site.toml:5:1: error[config]: unknown key `outputdir` in site.toml (hint: did you mean `output_dir`?)\n"
        "2 errors, 0 warnings\n");

  TempDir tmp;
  const auto missing = run({"build", "--source", tmp.path().string()});
  CHECK(missing.status == 2);
  CHECK(missing.err.starts_with("site.toml: error[config]: there is no site.toml in "));
  CHECK(missing.err.find("(hint: create site.toml with title, partnership and base_url") != std::string::npos);

  CHECK(run({"publish"}).status == 2);
  CHECK(run({"build", "--jobs", "0"}).status == 2);
  const auto typo = run({"check", "--formt", "json"});
  CHECK(typo.status == 2);
  CHECK(typo.err.starts_with("portal: unknown option --formt for `portal check`; did you mean --format?"));
  CHECK(run({"--help"}).status == 0);
  CHECK(run({"--version"}).out.starts_with("portal "));
}

TEST_CASE("the output folder may not be the source, inside content/, or a folder no build made", "[output]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  CHECK(build(site, site).status == 2);
  CHECK(build(site, site / "content" / "out").status == 2);
  CHECK_FALSE(fs::exists(site / "content" / "out"));

  const auto foreign = tmp.path() / "documents";
  write_file(foreign / "letter.txt", "keep me");
  const auto r = build(site, foreign);
  CHECK(r.status == 2);
  CHECK(r.err.find("already holds files that no build made") != std::string::npos);
  CHECK(read_tree(foreign) == std::map<std::string, std::string>{{"letter.txt", "keep me"}});

  // A folder a build made is replaced whole; stale files go.
  const auto out = tmp.path() / "out";
  REQUIRE(build(site, out).status == 0);
  write_file(out / "stale.html", "old");
  REQUIRE(build(site, out).status == 0);
  CHECK_FALSE(fs::exists(out / "stale.html"));
}

TEST_CASE("the repository's own content checks clean and builds", "[site][content]") {
  const auto r = run({"check", "--source", repo_root().string()});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  TempDir tmp;
  REQUIRE(build(repo_root(), tmp.path() / "public").status == 0);
  const auto tree = read_pages(tmp.path() / "public");
  CHECK(tree.count("index.html") == 1);
  // The partnership's record: 4 agreements, 7 meetings, at least 10 papers,
  // 2 DHRs, at least one bulletin, the 10 events the papers record.
  auto pages_under = [&](const std::string& prefix, int depth) {
    return std::count_if(tree.begin(), tree.end(), [&](const auto& f) {
      if (!f.first.starts_with(prefix) || !f.first.ends_with("/index.html")) return false;
      return std::count(f.first.begin(), f.first.end(), '/') == depth;
    });
  };
  CHECK(pages_under("agreements/", 2) == 4);
  CHECK(pages_under("meetings/", 2) == 7);
  const auto meeting_subpages = pages_under("meetings/", 3);
  const auto notes = std::count_if(tree.begin(), tree.end(), [](const auto& f) {
    return f.first.starts_with("meetings/") && f.first.ends_with("/notes/index.html");
  });
  CHECK(meeting_subpages - notes >= 10);
  CHECK(pages_under("dhr/", 2) == 2);
  CHECK(pages_under("bulletins/", 2) >= 1);
  CHECK(pages_under("events/", 2) == 10);
}

TEST_CASE("a paper's agenda item: the one it is filed under, else the one that names its file", "[site]") {
  portal::MeetingData meeting;
  auto item = [](std::string code, std::optional<std::string> paper) {
    portal::AgendaItem i;
    i.code = portal::Located<std::string>{std::move(code), {}};
    if (paper) i.paper = portal::Located<std::string>{*paper, {}};
    return i;
  };
  meeting.items = {item("B1", "b1.md"), item("B2", std::nullopt), item("B3", "b1.md")};
  portal::Document paper;
  paper.kind = portal::Kind::paper;
  paper.slug = "b1";
  paper.data = portal::PaperData{};
  // Filed under no item: the first item that names the file.
  REQUIRE(portal::agenda_item_of(meeting, paper) == &meeting.items[0]);
  CHECK(portal::agenda_items_of(meeting, paper) ==
        std::vector<const portal::AgendaItem*>{&meeting.items[0], &meeting.items[2]});
  // Filed under B2: B2 is the paper's item, and the items that name it still hold it (for what is withheld).
  std::get<portal::PaperData>(paper.data).item = portal::Located<std::string>{"B2", {}};
  CHECK(portal::agenda_item_of(meeting, paper) == &meeting.items[1]);
  CHECK(portal::agenda_items_of(meeting, paper).size() == 3);
  paper.slug = "other";
  CHECK(portal::agenda_items_of(meeting, paper) == std::vector<const portal::AgendaItem*>{&meeting.items[1]});
  std::get<portal::PaperData>(paper.data).item.reset();
  CHECK(portal::agenda_item_of(meeting, paper) == nullptr);
  CHECK(portal::agenda_items_of(meeting, paper).empty());
}

TEST_CASE("an agreement names a priority or a theme by its id", "[site]") {
  portal::AgreementData a;
  a.priorities.push_back({});
  a.priorities.back().id = {"da", {}};
  a.priorities.back().name = "Domestic Abuse";
  a.themes.push_back({});
  a.themes.back().id = {"vuln", {}};
  a.themes.back().name = "Vulnerability";
  REQUIRE(a.name_of("da"));
  CHECK(*a.name_of("da") == "Domestic Abuse");
  CHECK(*a.name_of("vuln") == "Vulnerability");
  CHECK(a.name_of("nothing") == nullptr);
}

TEST_CASE("a site finds a meeting's notes, an item's paper and a plan", "[site]") {
  const portal::Site site = load_fixture("every-kind", portal::Date{2026, 12, 1, std::nullopt});
  const portal::Document* meeting = site.meeting("2020-03-18");
  REQUIRE(meeting);
  REQUIRE(site.notes_of(*meeting));
  CHECK(site.notes_of(*meeting)->path == "content/meetings/2020-03-18/notes.md");
  const auto& items = meeting->as<portal::MeetingData>()->items;
  const auto named = std::find_if(items.begin(), items.end(), [](const auto& i) { return i.paper.has_value(); });
  REQUIRE(named != items.end());
  REQUIRE(site.paper_of(*meeting, *named));
  CHECK(site.paper_of(*meeting, *named)->path == "content/meetings/2020-03-18/" + named->paper->value);
  CHECK(site.meeting("1999-01-01") == nullptr);
  REQUIRE_FALSE(site.plans.empty());
  CHECK(site.plan(site.plans.front().id.value) == &site.plans.front());
  CHECK(site.plan("no-such-plan") == nullptr);
}
