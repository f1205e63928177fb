// What makes the output a portal: lists, priority and plan pages, feeds,
// search, calendars and charts, with every internal link resolving.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>
#include <set>

#include "feeds.h"
#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> built_fixture(const TempDir& tmp) {
  return build_pages(fixture("every-kind"), tmp.path() / "out", {"--quiet"});
}

// Every relative href and src of every HTML file must name a file of the
// output, and a #fragment must name an id in that file. The 404 page, served
// at any address, links from the site's root path (`root`, from base_url).
void check_links(const std::map<std::string, std::string>& tree, const std::string& root) {
  static const std::regex attribute(R"re((?:href|src)="([^"]*)")re");
  static const std::regex id_attribute(R"re(\bid="([^"]*)")re");
  std::map<std::string, std::set<std::string>> ids;
  for (const auto& [path, content] : tree) {
    if (!path.ends_with(".html")) continue;
    for (std::sregex_iterator it(content.begin(), content.end(), id_attribute), end; it != end; ++it)
      ids[path].insert((*it)[1]);
  }
  int checked = 0;
  for (const auto& [path, content] : tree) {
    if (!path.ends_with(".html")) continue;
    const fs::path dir = fs::path(path).parent_path();
    for (std::sregex_iterator it(content.begin(), content.end(), attribute), end; it != end; ++it) {
      std::string link = (*it)[1];
      if (link.starts_with("http://") || link.starts_with("https://") || link.starts_with("mailto:")) continue;
      INFO(path << " links to \"" << link << "\"");
      fs::path from = dir;
      if (path == "404.html" && !link.starts_with("#")) {
        CHECK(link.starts_with(root));
        if (link.starts_with(root)) link = link.substr(root.size());
        from = "";
        if (link.empty()) link = "./";
      } else {
        CHECK_FALSE(link.starts_with("/"));  // relative, so the site works under any sub-path
      }
      std::string fragment;
      if (const auto hash = link.find('#'); hash != std::string::npos) {
        fragment = link.substr(hash + 1);
        link.resize(hash);
      }
      std::string target = path;
      if (!link.empty()) {
        target = (from / link).lexically_normal().generic_string();
        if (target.empty() || target == "." || target.ends_with("/")) target += "index.html";
        if (target == "./index.html" || target == ".index.html") target = "index.html";
      }
      CHECK(tree.count(target) == 1);
      if (!fragment.empty() && tree.count(target)) CHECK(ids[target].count(fragment) == 1);
      ++checked;
    }
  }
  CHECK(checked > 100);
}

}  // namespace

TEST_CASE("every internal link and asset reference in the output is relative and resolves", "[features]") {
  TempDir tmp;
  check_links(built_fixture(tmp), "/fixture/");
  TempDir portal;
  REQUIRE(run({"build", "--source", repo_root().string(), "--output", (portal.path() / "out").string(), "--quiet"})
              .status == 0);
  check_links(read_pages(portal.path() / "out"), "/portal/");
}

TEST_CASE("the home page shows the agreement in force, the latest bulletin, meetings and upcoming events",
          "[features]") {
  TempDir tmp;
  const auto tree = built_fixture(tmp);
  const auto& home = tree.at("index.html");
  CHECK(contains(home,
                 "<p><a href=\"agreements/2020-04/\">Community Safety Agreement (April 2020)</a>, version 4.0, "
                 "effective from 1 April 2020.</p>"));
  CHECK(contains(
      home,
      "<li><a href=\"priorities/serious-violence-organised-crime/\">Serious Violence and Organised Crime</a></li>"));
  CHECK(contains(home, "Most recent: <a href=\"meetings/2020-03-18/\">"));
  CHECK(contains(home, "Next: <a href=\"meetings/2999-01-13/\">"));
  CHECK(contains(home, "<a href=\"bulletins/2024-06/\">E-bulletin June 2024</a>"));
  CHECK(contains(home, "<li><a href=\"events/annual-conference-2999/\">Annual conference</a>"));
  CHECK_FALSE(contains(home, "events/webinar/"));  // past events are not upcoming
  // Regression: the footer read "team@example.org , telephone".
  CHECK(contains(home, "<a href=\"mailto:team@example.org\">team@example.org</a>, telephone 01234 567890</p>"));
}

TEST_CASE("section indexes: agreements newest first, meetings by year with neighbours, events upcoming then past",
          "[features]") {
  TempDir tmp;
  const auto tree = built_fixture(tmp);
  const auto& agreements = tree.at("agreements/index.html");
  CHECK(agreements.find("2020-04/") < agreements.find("2019-04/"));
  CHECK(contains(agreements, "<strong class=\"tag nowrap\">In force</strong>"));
  const auto& meetings = tree.at("meetings/index.html");
  CHECK(meetings.find("<h2 id=\"year-2999\">2999</h2>") < meetings.find("<h2 id=\"year-2020\">2020</h2>"));
  CHECK(meetings.find("<h2 id=\"year-2020\">2020</h2>") < meetings.find("<h2 id=\"year-2019\">2019</h2>"));
  const auto& meeting = tree.at("meetings/2020-03-18/index.html");
  CHECK(contains(meeting,
                 "<a href=\"../2019-10-08/\" rel=\"prev\">Previous meeting: Partnership meeting, 8 October 2019</a>"));
  CHECK(contains(meeting,
                 "<a href=\"../2999-01-13/\" rel=\"next\">Next meeting: Partnership meeting, 13 January 2999</a>"));
  const auto& events = tree.at("events/index.html");
  CHECK(events.find("annual-conference-2999/") < events.find("<h2 id=\"past-heading\">"));
  CHECK(events.find("webinar/") > events.find("<h2 id=\"past-heading\">"));
}

TEST_CASE("a renamed priority is one story, and lists papers filed under its former id", "[features]") {
  TempDir tmp;
  const auto tree = built_fixture(tmp);
  for (const char* page :
       {"priorities/serious-violence-organised-crime/index.html", "priorities/serious-organised-crime/index.html"}) {
    INFO(page);
    const auto& p = tree.at(page);
    CHECK(contains(p,
                   "<td><span class=\"cell-label\">Name: </span>Serious and Organised Crime</td><td><span "
                   "class=\"cell-label\">Lead: </span>Head of Serious Crime, Fixture Police</td>"));
    CHECK(contains(p, "<td><span class=\"cell-label\">Name: </span>Serious Violence and Organised Crime</td>"));
    CHECK(
        contains(p, "<a href=\"../../meetings/2020-03-18/b1-csa-update/\">Kent Community Safety Agreement Update</a>"));
    CHECK(contains(p, "filed as “serious-organised-crime”"));
  }
  CHECK(contains(tree.at("priorities/serious-organised-crime/index.html"), "see its current page"));
  CHECK(contains(tree.at("priorities/index.html"), "<h2>Cross-cutting themes</h2>"));
  const auto& plan = tree.at("plans/drug-strategy/index.html");
  CHECK(contains(plan, "<li><a href=\"../../agreements/2020-04/\">Community Safety Agreement (April 2020)</a></li>"));
  CHECK_FALSE(contains(plan, "agreements/2019-04/"));
}

TEST_CASE("feeds, sitemap, robots.txt, calendars, search index and chart", "[features]") {
  TempDir tmp;
  const auto tree = built_fixture(tmp);
  const auto& feed = tree.at("feeds/bulletins.xml");
  CHECK(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""));
  CHECK(contains(
      feed, "<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/fixture/bulletins/2024-06/\"/>"));
  CHECK(contains(feed, "<updated>2024-06-14T00:00:00Z</updated>"));
  const auto& sitemap = tree.at("sitemap.xml");
  CHECK(contains(sitemap, "<url><loc>https://example.org/fixture/meetings/2020-03-18/b1-csa-update/</loc></url>"));
  CHECK_FALSE(contains(sitemap, "404.html"));
  CHECK(tree.at("robots.txt") == "User-agent: *\nAllow: /\n\nSitemap: https://example.org/fixture/sitemap.xml\n");
  const auto& ics = tree.at("events/information-session/information-session.ics");
  CHECK(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  // Regression: times were floating, so a calendar elsewhere showed 10:00 in its own zone.
  CHECK(contains(ics, "DTSTART;TZID=Europe/London:20240724T100000\r\nDTEND;TZID=Europe/London:20240724T123000\r\n"));
  CHECK(contains(ics,
                 "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T010000\r\n"
                 "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\n"));
  // Regression: DTSTAMP was the event's day at midnight. It is the last commit of the event's file (UTC)...
  static const std::regex stamp("DTSTAMP:(\\d{8}T\\d{6}Z)\r\n");
  std::smatch found;
  REQUIRE(std::regex_search(ics, found, stamp));
  CHECK(found[1] != "20240724T000000Z");
  // ...and, outside a repository, the event's day at midnight: the same each build.
  TempDir bare;
  const auto copy = copy_fixture("every-kind", bare.path());
  REQUIRE(run({"build", "--source", copy.string(), "--output", (bare.path() / "out").string(), "--quiet"}).status == 0);
  CHECK(contains(read_file(bare.path() / "out/events/information-session/information-session.ics"),
                 "DTSTAMP:20240724T000000Z\r\n"));
  // Regression: with no upcoming event the calendar held no component at all (RFC 5545 §3.6).
  CHECK(contains(tree.at("events/upcoming.ics"), "BEGIN:VTIMEZONE\r\n"));
  CHECK(contains(ics, "LOCATION:Oakwood House\\, Maidstone\r\n"));
  CHECK(contains(tree.at("events/upcoming.ics"), "SUMMARY:Annual conference\r\n"));
  CHECK_FALSE(contains(tree.at("events/upcoming.ics"), "Webinar"));
  const auto& search = tree.at("search/index.html");
  CHECK(contains(search, "<noscript>"));
  CHECK(contains(search, "<li><a href=\"../meetings/\">Meetings</a></li>"));
  const auto& agreement = tree.at("agreements/2020-04/index.html");
  CHECK(contains(agreement, "<svg class=\"chart\""));
  CHECK(contains(agreement, "role=\"img\" aria-labelledby=\"assessments-chart-title assessments-chart-desc\""));
  CHECK(contains(agreement, "<text class=\"chart-label\"><tspan x=\"0\" y=\"17\">Domestic Abuse</tspan></text>"));
}

TEST_CASE("agenda items and minutes link each other, and numbered paragraphs have anchors a link may cite",
          "[features]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  write_file(site / "content/about.md",
             read_file(site / "content/about.md") +
                 "\nSee [paragraph 1.1](@/meetings/2020-03-18/b1-csa-update.md#para-1-1) and "
                 "[the minute's first point](@/meetings/2020-03-18/notes.md#para-2-1).\n");
  auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto tree = read_pages(tmp.path() / "out");
  // The agenda names each item's minute; the minute names its item's paper.
  CHECK(contains(tree.at("meetings/2020-03-18/index.html"),
                 "<br><a href=\"notes/#2-kent-community-safety-agreement-update-item-b1\">Minute 2</a>"));
  CHECK(
      contains(tree.at("meetings/2020-03-18/notes/index.html"),
               "<h2 id=\"2-kent-community-safety-agreement-update-item-b1\">2. Kent Community Safety Agreement Update "
               "(Item B1)</h2>\n<p class=\"minute-links\">Agenda item <a href=\"../#item-b1\">B1</a>; its paper: <a "
               "href=\"../b1-csa-update/\">Kent Community Safety Agreement Update</a></p>"));
  // The paper names its item and its minute.
  CHECK(contains(tree.at("meetings/2020-03-18/b1-csa-update/index.html"),
                 "<dt>Minute</dt><dd><a href=\"../notes/#2-kent-community-safety-agreement-update-item-b1\">Minute "
                 "2</a></dd>"));
  CHECK(contains(tree.at("meetings/2020-03-18/index.html"), "<tr id=\"item-b1\">"));
  // "1.1 The agreement …" is #para-1-1; the first point of minute 2 is #para-2-1.
  CHECK(contains(
      tree.at("meetings/2020-03-18/b1-csa-update/index.html"),
      "<p><a class=\"para-link\" id=\"para-1-1\" href=\"#para-1-1\" aria-label=\"Link to paragraph 1.1\"></a>1.1 "
      "The agreement is refreshed each year.</p>"));
  CHECK(contains(
      tree.at("meetings/2020-03-18/notes/index.html"),
      "<li><a class=\"para-link\" id=\"para-2-1\" href=\"#para-2-1\" aria-label=\"Link to paragraph 2.1\"></a>The "
      "partnership noted the update.</li>"));
  // And the checker knows those anchors.
  replace_in(site / "content/about.md", "#para-2-1)", "#para-2-9)");
  r = run({"check", "--source", site.string()});
  CHECK(contains(r.out,
                 "error[broken-link]: the link @/meetings/2020-03-18/notes.md#para-2-9 points at #para-2-9, "
                 "which is not a heading or numbered paragraph of content/meetings/2020-03-18/notes.md (hint: did you "
                 "mean #para-2-1?)"));
  CHECK_FALSE(contains(r.out, "#para-1-1"));
}

TEST_CASE("a date the record gives less exactly is shown so on its page, in lists, in the feed and in calendars",
          "[features]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  // June 2024, the day not recorded; "by" a day; an upcoming event known to its month.
  replace_in(site / "content/bulletins/2024-06.md", "date = 2024-06-14", "date = \"2024-06\"");
  replace_in(site / "content/dhr/diana-2020.md", "published = 2021-05-01", "published = \"by 2021-05-01\"");
  replace_in(site / "content/events/annual-conference-2999.md",
             "start = 2999-11-27T09:30:00\nend = 2999-11-27T16:00:00", "start = \"2999-11\"");
  const auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"});
  REQUIRE(r.status == 0);
  const auto tree = read_pages(tmp.path() / "out");

  const auto& bulletin = tree.at("bulletins/2024-06/index.html");
  CHECK(contains(bulletin, "<time datetime=\"2024-06\">June 2024</time>"));
  CHECK_FALSE(contains(bulletin, "1 June 2024"));
  CHECK(contains(tree.at("bulletins/index.html"), "June 2024"));
  CHECK_FALSE(contains(tree.at("bulletins/index.html"), "1 June 2024"));
  const auto& feed = tree.at("feeds/bulletins.xml");
  CHECK(contains(feed, "<summary>Date: June 2024 (the day is not recorded)"));
  CHECK(contains(tree.at("bulletins/2024-06/email.html"), "June 2024"));
  CHECK_FALSE(contains(tree.at("bulletins/2024-06/email.html"), "1 June 2024"));

  const auto& dhr = tree.at("dhr/diana-2020/index.html");
  CHECK(contains(dhr, "by 1 May 2021"));
  CHECK(contains(tree.at("dhr/index.html"), "by 1 May 2021"));

  const auto& event = tree.at("events/annual-conference-2999/index.html");
  CHECK(contains(event, "<time datetime=\"2999-11\">November 2999</time>"));
  CHECK_FALSE(contains(event, "1 November 2999"));
  CHECK(contains(tree.at("events/index.html"), "November 2999"));
  CHECK_FALSE(contains(tree.at("events/index.html"), "1 November 2999"));
  for (const auto* calendar : {"events/upcoming.ics", "events/annual-conference-2999/annual-conference-2999.ics"}) {
    // Unfolded (RFC 5545 §3.1), as a calendar reads it.
    const std::string ics = std::regex_replace(tree.at(calendar), std::regex("\r\n "), "");
    CHECK(contains(ics, "DESCRIPTION:Date: November 2999 (the day is not recorded). The partnership's annual "));
    CHECK(contains(ics, "DTSTART;VALUE=DATE:29991101\r\n"));
  }
}

TEST_CASE("a date known only to its month is not passed until the month is", "[features]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  replace_in(site / "content/bulletins/2024-06.md", "date = 2024-06-14", "date = \"2024-06\"");
  replace_in(site / "content/events/information-session.md", "start = 2024-07-24T10:00:00\nend = 2024-07-24T12:30:00",
             "start = \"2024-07\"");
  auto build_on = [&](const char* day) {
    ::setenv("PORTAL_TODAY", day, 1);
    const fs::path out = tmp.path() / day;
    const auto r = run({"build", "--source", site.string(), "--output", out.string(), "--quiet"});
    ::unsetenv("PORTAL_TODAY");
    REQUIRE(r.status == 0);
    return read_pages(out);
  };
  // Mid-June: the June bulletin may not be out yet; mid-July: the July session may be still to come.
  const auto june = build_on("2024-06-15");
  CHECK(june.count("bulletins/2024-06/index.html") == 0);
  const auto july = build_on("2024-07-15");
  CHECK(july.count("bulletins/2024-06/index.html") == 1);
  CHECK(contains(july.at("events/upcoming.ics"), "SUMMARY:Community Safety Information Session"));
  const auto august = build_on("2024-08-01");
  CHECK_FALSE(contains(august.at("events/upcoming.ics"), "SUMMARY:Community Safety Information Session"));
}

TEST_CASE("an event's calendar file is named after it, and a past event offers none", "[features]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path() / "site");
  REQUIRE(run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"}).status == 0);
  const auto tree = read_tree(tmp.path() / "out");
  // Still to come: the link, to a file a browser saves under the event's own name.
  const auto& upcoming = tree.at("events/annual-conference-2999/index.html");
  CHECK(contains(upcoming, "<a href=\"annual-conference-2999.ics\""));
  CHECK(contains(upcoming, "Add this event to your calendar"));
  CHECK(contains(tree.at("events/annual-conference-2999/annual-conference-2999.ics"), "BEGIN:VEVENT\r\n"));
  // Over: no offer to add it to a calendar.
  const auto& past = tree.at("events/webinar/index.html");
  CHECK(contains(past, "<h1>"));
  CHECK_FALSE(contains(past, "Add this event to your calendar"));
}

TEST_CASE("every page but the search page has a search box in its header, and an empty calendar says so",
          "[features]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  auto r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string()});
  REQUIRE(r.status == 0);
  auto pages = read_pages(tmp.path() / "out");
  std::size_t html = 0;
  for (const auto& [path, content] : pages) {
    if (!path.ends_with(".html") || path.ends_with("email.html")) continue;
    INFO(path);
    ++html;
    const bool box = contains(content, "<form class=\"header-search\" role=\"search\" action=\"");
    CHECK(box == (path != "search/index.html"));
  }
  CHECK(html > 25);
  CHECK(contains(pages.at("404.html"), "<form class=\"header-search\" role=\"search\" action=\"/fixture/search/\""));
  CHECK(contains(pages.at("events/index.html"), "Add all upcoming events to your calendar"));
  // Without an upcoming event, the page says the calendar holds none rather than offer an empty file to add.
  fs::remove(site / "content/events/annual-conference-2999.md");
  r = run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string()});
  REQUIRE(r.status == 0);
  pages = read_pages(tmp.path() / "out");
  CHECK_FALSE(contains(pages.at("events/index.html"), "Add all upcoming events to your calendar"));
  CHECK(contains(pages.at("events/index.html"), "the calendar of upcoming events holds none for now"));
}
