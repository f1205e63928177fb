// A priority's page is its story: the documents the record files under it
// (their own tags, their kind's, under any of its ids), and apart the ones
// whose words only name it.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

void append_file(const fs::path& p, const std::string& text) { write_file(p, read_file(p) + text); }

CliRun build(const fs::path& site, const fs::path& out) {
  return run({"build", "--source", site.string(), "--output", out.string()});
}

// The part of a priority page between two of its headings' ids.
std::string section(const std::string& page, const std::string& from, const std::string& to) {
  const auto start = page.find("id=\"" + from + "\"");
  if (start == std::string::npos) return {};
  const auto end = page.find("id=\"" + to + "\"", start);
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

TEST_CASE("every priority page of content/ lists the papers tagged with it", "[priorities]") {
  TempDir tmp;
  const auto r = build(repo_root(), tmp.path() / "out");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto pages = read_pages(tmp.path() / "out");
  // The tags as a reader finds them in the files: a `priorities = [...]` line of a paper.
  static const std::regex line(R"re(^priorities = \[(.*)\]$)re"), id(R"re("([a-z0-9-]+)")re");
  std::size_t checked = 0;
  for (const auto& e : fs::recursive_directory_iterator(repo_root() / "content" / "meetings")) {
    const auto name = e.path().filename().string();
    if (e.path().extension() != ".md" || name == "_index.md" || name == "notes.md") continue;
    std::istringstream lines(read_file(e.path()));
    std::smatch m;
    for (std::string l; std::getline(lines, l);) {
      if (!std::regex_match(l, m, line)) continue;
      const std::string ids = m[1];
      const auto rel = fs::relative(e.path(), repo_root() / "content").generic_string();
      const std::string href = "../../" + rel.substr(0, rel.size() - 3) + "/";
      for (std::sregex_iterator it(ids.begin(), ids.end(), id), end; it != end; ++it) {
        const std::string page = "priorities/" + (*it)[1].str() + "/index.html";
        INFO(rel << " under " << page);
        REQUIRE(pages.count(page) == 1);
        CHECK(contains(section(pages.at(page), "documents-heading", "decisions"), "href=\"" + href + "\""));
        ++checked;
      }
      break;
    }
  }
  CHECK(checked >= 2);  // the March 2020 pack's C1 and C4 papers
}

TEST_CASE("a renamed priority's papers appear under its new name, a kind's priority is a tag, words only mention",
          "[priorities]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  // The fixture's paper is filed under "serious-organised-crime", which the April 2020 agreement renamed.
  REQUIRE(contains(read_file(site / "content/meetings/2020-03-18/b1-csa-update.md"), "\"serious-organised-crime\""));
  append_file(site / "site.toml", "\n[kind_priorities]\ndhr = [\"domestic-abuse\"]\n");
  append_file(site / "content/meetings/2020-03-18/notes.md", "\nMembers asked how domestic abuse is counted.\n");
  auto r = build(site, tmp.path() / "out");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto pages = read_pages(tmp.path() / "out");
  const std::string& renamed = pages.at("priorities/serious-violence-organised-crime/index.html");
  CHECK(contains(renamed, "<h1>Serious Violence and Organised Crime</h1>"));
  CHECK(contains(section(renamed, "documents-heading", "decisions"),
                 "href=\"../../meetings/2020-03-18/b1-csa-update/\""));
  const std::string& abuse = pages.at("priorities/domestic-abuse/index.html");
  const std::string filed = section(abuse, "documents-heading", "mentions");
  CHECK(contains(filed, "href=\"../../dhr/diana-2020/\""));  // by what it is
  CHECK_FALSE(contains(filed, "meetings/2020-03-18/notes/"));
  const std::string mentioned = section(abuse, "mentions-heading", "footer");
  CHECK(contains(mentioned, "href=\"../../meetings/2020-03-18/notes/\""));
  CHECK_FALSE(contains(mentioned, "dhr/diana-2020"));
  CHECK(contains(pages.at("dhr/diana-2020/index.html"), "href=\"../../priorities/domestic-abuse/\""));
  // A kind's priority that no agreement has is an error at its line of site.toml.
  append_file(site / "site.toml", "bulletin = [\"domestic-abuses\"]\n");
  r = run({"check", "--source", site.string()});
  CHECK(r.status == 1);
  CHECK(contains(r.out + r.err,
                 "site.toml:19:13: error[unknown-priority]: \"domestic-abuses\", given to every bulletin"));
  CHECK(contains(r.out + r.err, "did you mean \"domestic-abuse\"?"));
}

TEST_CASE(
    "a page mentions a priority by its name's words in what it shows, across tags, never in an address or a "
    "longer word",
    "[priorities]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  auto bulletin = [&](const std::string& month, const std::string& body) {
    write_file(site / ("content/bulletins/2024-" + month + ".md"),
               "+++\ntitle = \"E-bulletin " + month + "\"\ndate = 2024-" + month + "-01\n+++\n\n" + body + "\n");
  };
  bulletin("01", "Our work on *Domestic*\n**abuse** goes on.");                     // across tags and a line
  bulletin("02", "See [our page](https://example.org/domestic-abuse/) for more.");  // only in an address
  bulletin("03", "Predomestic abuses are not a name.");                             // only in longer words
  bulletin("04", "Early intervention: prevention and (education).");                // punctuation between
  bulletin("06", "Child abuse is another name.");                                   // its last word alone
  bulletin("05", "Serious and organised crime");                                    // a former name, ending the text
  const auto r = build(site, tmp.path() / "out");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto pages = read_pages(tmp.path() / "out");
  auto mentions = [&](const std::string& priority) {
    return section(pages.at("priorities/" + priority + "/index.html"), "mentions-heading", "footer");
  };
  const std::string abuse = mentions("domestic-abuse");
  CHECK(contains(abuse, "bulletins/2024-01/"));
  CHECK_FALSE(contains(abuse, "bulletins/2024-02/"));
  CHECK_FALSE(contains(abuse, "bulletins/2024-03/"));
  CHECK_FALSE(contains(abuse, "bulletins/2024-06/"));
  CHECK(contains(mentions("early-intervention"), "bulletins/2024-04/"));
  CHECK(contains(mentions("serious-violence-organised-crime"), "bulletins/2024-05/"));
  CHECK_FALSE(contains(mentions("serious-violence-organised-crime"), "bulletins/2024-04/"));
}

TEST_CASE("a plan's page quotes what each agreement says of it, in its section, or says the record gives no address",
          "[priorities]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  append_file(site / "content/agreements/2020-04.md",
              "\n## 8. Links to Plans\n\nThe priorities link to plans including:\n\n"
              "- Safer in Kent: The Community Safety and Criminal Justice Plan\n- Other plans\n");
  const auto r = build(site, tmp.path() / "out");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto pages = read_pages(tmp.path() / "out");
  const std::string& plan = pages.at("plans/safer-in-kent/index.html");
  CHECK(contains(plan,
                 "<li>In <a href=\"../../agreements/2020-04/#8-links-to-plans\">8. Links to Plans</a>: "
                 "<q>The priorities link to plans including: … Safer in Kent: The Community Safety and Criminal "
                 "Justice Plan</q></li>"));
  CHECK(contains(plan, "<dt>Published at</dt><dd><a href=\"https://"));
  CHECK(contains(pages.at("plans/drug-strategy/index.html"),
                 "<dt>Published at</dt><dd>The record gives no address for it</dd>"));
}
