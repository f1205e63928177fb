// History from git and the comparison of agreements, on repositories the tests
// make with libgit2.
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <sstream>

#include "git_repo.h"
#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

CliRun build(const fs::path& site, const fs::path& out) {
  return run({"build", "--source", site.string(), "--output", out.string(), "--quiet"});
}

// A look on this computer: with what is saved but not committed (site.toml changed by a test, say).
CliRun local_build(const fs::path& site, const fs::path& out) {
  return run({"build", "--source", site.string(), "--output", out.string(), "--local", "--quiet"});
}

void append(const fs::path& file, const std::string& text) { write_file(file, read_file(file) + text); }

// Removes the fixture's unpublished files: a commit that touches them shows
// no message anywhere (see the restricted test), and these tests read messages.
void only_published(const fs::path& site) {
  for (const char* f : {"content/secret-page.md", "content/draft-page.md", "content/bulletins/2999-01.md",
                        "content/meetings/2020-03-18/e1-dhr-update.md", "content/meetings/2020-03-18/e1-annex.pdf"})
    fs::remove(site / f);
  std::string agenda = read_file(site / "content/meetings/2020-03-18/_index.md");
  const std::string restricted_paper = "paper = \"e1-dhr-update.md\"\n";
  agenda.erase(agenda.find(restricted_paper), restricted_paper.size());
  write_file(site / "content/meetings/2020-03-18/_index.md", agenda);
}

void set_history(const fs::path& site, const std::string& settings) {
  std::string config = read_file(site / "site.toml");
  const auto at = config.find("[history]");
  const auto end = config.find("\n[", at + 1);
  config.replace(at, end - at, "[history]\n" + settings + "\n");
  write_file(site / "site.toml", config);
}

}  // namespace

TEST_CASE("each page lists the commits that changed it, newest first", "[history]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  only_published(site);
  GitRepo repo(site);
  const auto first = repo.commit_all("Publish the portal", at_noon(2024, 1, 1));
  append(site / "content/agreements/2020-04.md", "\nA corrected paragraph.\n");
  const auto second = repo.commit_all("Correct the April 2020 agreement\n\nLonger description.", at_noon(2024, 3, 15));

  const auto r = build(site, tmp.path() / "out");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err == kFixtureAddressWarning);  // history is available: no warning of it
  const auto page = read_file(tmp.path() / "out/agreements/2020-04/index.html");
  const auto newest = page.find("<a href=\"https://git.example.org/fixture/commit/" + second +
                                "\">Correct the April 2020 agreement</a>");
  const auto oldest =
      page.find("<a href=\"https://git.example.org/fixture/commit/" + first + "\">Publish the portal</a>");
  CHECK(newest != std::string::npos);
  CHECK(oldest != std::string::npos);
  CHECK(newest < oldest);
  CHECK(contains(page, "<time datetime=\"2024-03-15\">15 March 2024</time>"));
  CHECK(contains(page, "<dt>On this portal since</dt><dd><time datetime=\"2024-01-01\">1 January 2024</time></dd>"));
  CHECK(contains(page,
                 "<dt>Last changed on this portal</dt><dd><time datetime=\"2024-03-15\">15 March 2024</time></dd>"));
  CHECK_FALSE(contains(page, "Longer description"));
  CHECK_FALSE(contains(page, "Comms Team"));  // show_authors = false

  const auto older = read_file(tmp.path() / "out/agreements/2019-04/index.html");
  CHECK(contains(older, "Publish the portal"));
  CHECK_FALSE(contains(older, "Correct the April 2020 agreement"));
}

TEST_CASE("authors are shown only when show_authors is set, dates and none modes", "[history]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  only_published(site);
  GitRepo repo(site);
  repo.commit_all("Publish the portal", at_noon(2024, 1, 1), "Alex Editor");

  set_history(site, "mode = \"full\"\nshow_authors = true");
  REQUIRE(local_build(site, tmp.path() / "full").status == 0);
  CHECK(contains(read_file(tmp.path() / "full/about/index.html"), "<td>Alex Editor</td>"));

  set_history(site, "mode = \"dates\"");
  REQUIRE(local_build(site, tmp.path() / "dates").status == 0);
  const auto dates = read_file(tmp.path() / "dates/about/index.html");
  CHECK(contains(dates, "1 January 2024"));
  CHECK_FALSE(contains(dates, "Publish the portal"));

  set_history(site, "mode = \"none\"");
  REQUIRE(local_build(site, tmp.path() / "none").status == 0);
  const auto none = read_file(tmp.path() / "none/about/index.html");
  CHECK_FALSE(contains(none, "id=\"history\""));
  CHECK_FALSE(contains(none, "1 January 2024"));
}

TEST_CASE("a DHR shows only when it was published and updated, never a commit or earlier text", "[history][leak]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const auto dhr = site / "content/dhr/diana-2020.md";
  const std::string published = read_file(dhr);
  write_file(dhr, published + "\nREDACTED-BEFORE-PUBLICATION: an earlier text.\n");
  GitRepo repo(site);
  repo.commit_all("Publish the portal", at_noon(2024, 1, 1));
  write_file(dhr, published);
  const auto hash = repo.commit_all("Redact DHR-COMMIT-MESSAGE before publication", at_noon(2024, 2, 1));

  REQUIRE(build(site, tmp.path() / "out").status == 0);
  const auto tree = read_pages(tmp.path() / "out");
  const auto& page = tree.at("dhr/diana-2020/index.html");
  CHECK(contains(page, "<dt>On this portal since</dt><dd><time datetime=\"2024-01-01\">1 January 2024</time></dd>"));
  CHECK(contains(page,
                 "<dt>Last changed on this portal</dt><dd><time datetime=\"2024-02-01\">1 February 2024</time></dd>"));
  for (const auto& [path, content] : tree) {
    INFO(path);
    CHECK_FALSE(contains(content, "DHR-COMMIT-MESSAGE"));
    CHECK_FALSE(contains(content, "REDACTED-BEFORE-PUBLICATION"));
    CHECK_FALSE(contains(content, hash));
  }
}

TEST_CASE("commits to restricted or draft files appear in no history", "[history][leak]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  GitRepo repo(site);
  repo.commit_all("Publish the portal", at_noon(2024, 1, 1));
  append(site / "content/secret-page.md", "\nMore restricted text.\n");
  const auto only_restricted = repo.commit_all("LEAKTOKEN-COMMIT-RESTRICTED-ONLY", at_noon(2024, 2, 1));
  append(site / "content/draft-page.md", "\nMore draft text.\n");
  append(site / "content/about.md", "\nA public correction.\n");
  const auto mixed = repo.commit_all("LEAKTOKEN-COMMIT-MIXED", at_noon(2024, 3, 1));

  REQUIRE(build(site, tmp.path() / "out").status == 0);
  const auto tree = read_tree(tmp.path() / "out");
  for (const auto& [path, content] : tree) {
    INFO(path);
    CHECK_FALSE(contains(content, "LEAKTOKEN"));
    CHECK_FALSE(contains(content, only_restricted));
    CHECK_FALSE(contains(content, mixed));
  }
  // The public change still shows, without the message it shares with the draft.
  const auto& about = tree.at("about/index.html");
  CHECK(contains(about, "<tr><td><time datetime=\"2024-03-01\">1 March 2024</time></td><td>Updated</td></tr>"));

  // A --drafts preview shows drafts and their commits, never restricted ones.
  REQUIRE(run({"build", "--source", site.string(), "--output", (tmp.path() / "drafts").string(), "--drafts", "--quiet"})
              .status == 0);
  for (const auto& [path, content] : read_tree(tmp.path() / "drafts")) {
    INFO(path);
    CHECK_FALSE(contains(content, "LEAKTOKEN-COMMIT-RESTRICTED-ONLY"));
    CHECK_FALSE(contains(content, only_restricted));
    CHECK_FALSE(contains(content, "LEAKTOKEN-RESTRICTED"));
  }
}

TEST_CASE("renamed files keep their history, uncommitted changes are marked", "[history]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  only_published(site);
  GitRepo repo(site);
  repo.commit_all("Publish the portal", at_noon(2024, 1, 1));
  fs::rename(site / "content/about.md", site / "content/about-us.md");
  const std::string home = read_file(site / "content/_index.md");
  write_file(site / "content/_index.md",
             home.substr(0, home.find("@/about.md")) + "@/about-us.md" + home.substr(home.find("@/about.md") + 10));
  repo.commit_all("Rename the about page", at_noon(2024, 2, 1));
  append(site / "content/contact.md", "\nA new telephone line.\n");

  // Saved but not committed: only a look on this computer shows it.
  REQUIRE(local_build(site, tmp.path() / "out").status == 0);
  const auto about = read_file(tmp.path() / "out/about-us/index.html");
  CHECK(contains(about, "Rename the about page"));
  CHECK(contains(about, "Publish the portal"));
  const auto contact = read_file(tmp.path() / "out/contact/index.html");
  CHECK(contains(contact, "Not yet committed"));
  CHECK(contains(contact, "A new telephone line."));
}

TEST_CASE("a build to publish refuses what is saved but not committed, naming the files", "[history]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  GitRepo repo(site);
  repo.commit_all("Publish the portal", at_noon(2024, 1, 1));
  const auto out = tmp.path() / "out";
  REQUIRE(build(site, out).status == 0);
  const std::string before = read_file(out / "contact/index.html");

  // A draft, a restricted paper and a new draft: nothing of them is published, so nothing is refused.
  append(site / "content/draft-page.md", "\nMore draft words.\n");
  append(site / "content/meetings/2020-03-18/e1-dhr-update.md", "\nMore restricted words.\n");
  write_file(site / "content/bulletins/2999-02.md",
             "+++\ntitle = \"Later\"\ndate = 2999-02-01\ndraft = true\n+++\nLater.\n");
  REQUIRE(build(site, out).status == 0);

  // A published page and the site's settings: refused, and the output is as it was.
  append(site / "content/contact.md", "\nA new telephone line: 01234 567890.\n");
  append(site / "site.toml", "\n");
  const auto refused = build(site, out);
  CHECK(refused.status != 0);
  CHECK(contains(refused.err, "content/contact.md"));
  CHECK(contains(refused.err, "site.toml"));
  CHECK(contains(refused.err, "--local"));
  CHECK_FALSE(contains(refused.err, "draft-page.md"));
  CHECK_FALSE(contains(refused.err, "e1-dhr-update.md"));
  CHECK(read_file(out / "contact/index.html") == before);

  // Committed, it is published, and nothing says "Not yet committed".
  repo.commit_all("A new telephone line", at_noon(2024, 2, 1));
  REQUIRE(build(site, out).status == 0);
  CHECK(contains(read_file(out / "contact/index.html"), "01234 567890"));
  for (const auto& [path, content] : read_tree(out)) {
    INFO(path);
    CHECK_FALSE(contains(content, "Not yet committed"));
  }
}

TEST_CASE("outside a repository, or in a shallow one, the site builds without history and says so once", "[history]") {
  TempDir tmp;
  const auto plain = copy_fixture("every-kind", tmp.path() / "plain");
  const auto r = build(plain, tmp.path() / "out");
  CHECK(r.status == 0);
  CHECK(r.err ==
        "portal: warning: the source folder is not inside a git repository; the site is built without history\n" +
            kFixtureAddressWarning);
  CHECK_FALSE(contains(read_file(tmp.path() / "out/about/index.html"), "id=\"history\""));

  const auto shallow = copy_fixture("every-kind", tmp.path() / "shallow");
  GitRepo repo(shallow);
  const auto hash = repo.commit_all("Publish the portal", at_noon(2024, 1, 1));
  write_file(shallow / ".git/shallow", hash + "\n");
  const auto s = build(shallow, tmp.path() / "out2");
  CHECK(s.status == 0);
  CHECK(contains(s.err, "shallow clone"));
}

TEST_CASE("an agreement's comparison names renamed, added and removed priorities, leads, plans and text",
          "[history][compare]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  REQUIRE(build(site, tmp.path() / "out").status == 0);
  const auto tree = read_pages(tmp.path() / "out");
  const auto& page = tree.at("agreements/2020-04/changes/index.html");
  CHECK(contains(page, "<h1>What changed in version 4.0</h1>"));
  CHECK(contains(
      page, "<li><del>Serious and Organised Crime</del> is now <ins>Serious Violence and Organised Crime</ins></li>"));
  CHECK(contains(page, "<h3>Added</h3>\n<ul>\n<li><ins>Domestic Abuse</ins></li>"));
  CHECK(contains(
      page,
      "<tr><th scope=\"row\">Domestic Abuse</th><td>None</td><td>Domestic Abuse Lead, Fixture Council</td></tr>"));
  CHECK(contains(page, "<li><ins>Kent Drug and Alcohol Strategy</ins></li>"));
  CHECK(contains(page,
                 "<tr><th scope=\"row\">4.0</th><td>April 2020</td><td>Ch.6 - minor change to one priority</td></tr>"));
  CHECK_FALSE(contains(page, "Effective date changed to April 2019"));  // a row both versions have
  // The text, paragraph by paragraph.
  CHECK(contains(page,
                 "<div class=\"para removed\"><p class=\"change-label\">Removed<span class=\"visually-hidden\"> "
                 "paragraph:</span></p><del><h2>Introduction</h2>"));
  CHECK(contains(page,
                 "<div class=\"para added\"><p class=\"change-label\">Added<span class=\"visually-hidden\"> "
                 "paragraph:</span></p><ins><p>1.1. The agreement sets out the county's priorities.</p>"));
  // Linked from both versions.
  CHECK(contains(tree.at("agreements/2020-04/index.html"), "<a href=\"changes/\">What changed from version 3.0</a>"));
  CHECK(contains(tree.at("agreements/2019-04/index.html"),
                 "<a href=\"../2020-04/changes/\">What changed in version 4.0</a>"));
}

TEST_CASE("a change's line written for developers reads as content/history.toml words it, by commit id", "[history]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  GitRepo repo(site);
  repo.commit_all("Publish the portal", at_noon(2024, 1, 1));
  replace_in(site / "content/about.md", "three times a year", "four times a year");
  const auto hash = repo.commit_all("fix typo in about.md front matter (refs #12)", at_noon(2024, 2, 1));
  write_file(site / "content/history.toml",
             "[changes]\n\"" + hash.substr(0, 9) + "\" = \"About: how often the partnership meets\"\n");
  repo.commit_all("Word a change for the public", at_noon(2024, 2, 2));
  REQUIRE(build(site, tmp.path() / "out").status == 0);
  const auto page = read_file(tmp.path() / "out/about/index.html");
  CHECK(contains(page, "About: how often the partnership meets"));
  CHECK_FALSE(contains(page, "fix typo"));
  CHECK_FALSE(fs::exists(tmp.path() / "out/history.toml"));  // the wording is read, not published as a file
  // A key that is not a commit id is an error naming the file and its line.
  write_file(site / "content/history.toml", "[changes]\n\"not-a-hash\" = \"Words\"\n");
  const auto r = run({"check", "--source", site.string()});
  CHECK(r.status == 1);
  CHECK(contains(r.out + r.err, "content/history.toml:2:1: error[front-matter]: \"not-a-hash\" is not a commit id"));
}

TEST_CASE("every dated document of content/ is published on its own date, never on a later commit's", "[history]") {
  TempDir tmp;
  const auto pages = build_pages(repo_root(), tmp.path() / "out");
  // Each document's own date, read from its file as a reader would: an agreement's `effective`, a
  // bulletin's `date`, a paper's or the notes' meeting folder.
  std::map<std::string, std::string> own;  // page → datetime
  static const std::regex field(R"re(^(effective|date) = "?([0-9-]+)"?$)re");
  for (const auto& e : fs::recursive_directory_iterator(repo_root() / "content")) {
    const auto rel = fs::relative(e.path(), repo_root() / "content").generic_string();
    if (e.path().extension() != ".md") continue;
    if (rel.starts_with("meetings/") && e.path().filename() != "_index.md") {
      own[rel.substr(0, rel.size() - 3) + "/index.html"] = e.path().parent_path().filename().string();
    } else if (rel.starts_with("agreements/") || rel.starts_with("bulletins/")) {
      std::istringstream lines(read_file(e.path()));
      std::smatch m;
      for (std::string line; std::getline(lines, line);)
        if (std::regex_match(line, m, field)) {
          own[rel.substr(0, rel.size() - 3) + "/index.html"] = m[2];
          break;
        }
    }
  }
  REQUIRE(own.size() > 15);
  for (const auto& [page, date] : own) {
    INFO(page);
    CHECK(contains(pages.at(page), "<dt>Published</dt><dd><time datetime=\"" + date));
  }
  for (const auto& [path, html] : pages) {
    INFO(path);
    CHECK_FALSE(contains(html, "First published"));
  }
}
