// The history a build keeps beside its output: the next build walks only the
// commits made since, and makes what a whole walk makes; anything else (a
// history rewritten, a merge, a file released that it was not kept for, a
// store spoiled) reads the history whole. It names nothing unpublished.
#include <catch2/catch.hpp>

#include "build.h"
#include "git_repo.h"
#include "output.h"
#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

void append(const fs::path& file, const std::string& text) { write_file(file, read_file(file) + text); }

// A copy of the every-kind fixture in git, with its first commit built into out/.
struct KeptHistory {
  TempDir tmp;
  fs::path site = copy_fixture("every-kind", tmp.path());
  fs::path out = tmp.path() / "out";
  GitRepo repo{site};
  int round = 0;
  std::size_t first_commits = 0;

  KeptHistory() {
    repo.commit_all("Publish the portal", at_noon(2024, 1, 1));
    append(site / "content/about.md", "\nA first correction.\n");
    repo.commit_all("Correct the about page", at_noon(2024, 1, 2));
    first_commits = build().work.commits_read;
    REQUIRE(first_commits == 2);
  }

  portal::BuildResult build(bool full = false, const fs::path& into = {}) {
    portal::BuildOptions options;
    options.source = site;
    options.output = into.empty() ? out : into;
    options.jobs = 2;
    options.local = true;
    options.full = full;
    auto result = portal::run_build(options);
    REQUIRE(result.outcome == portal::Outcome::ok);
    return result;
  }

  // Builds into out/, and checks it is byte for byte a full build into an empty folder.
  std::size_t commits_read_by_rebuild() {
    const auto commits = build().work.commits_read;
    const fs::path full = tmp.path() / ("full-" + std::to_string(++round));
    build(true, full);
    CHECK(read_tree(out) == read_tree(full));
    return commits;
  }
};

}  // namespace

TEST_CASE("a rebuild walks only the commits made since the last build, and makes what a whole walk makes",
          "[history][build-state]") {
  KeptHistory kept;
  // Not committed: no commit is walked.
  append(kept.site / "content/contact.md", "\nA new telephone line.\n");
  CHECK(kept.commits_read_by_rebuild() == 0);
  // One commit on top: it alone, its words shown on the page it changed.
  const auto correction = kept.repo.commit_all("Correct the contact page", at_noon(2024, 2, 1));
  CHECK(kept.commits_read_by_rebuild() == 1);
  CHECK(contains(read_file(kept.out / "contact/index.html"), correction));
  // A page renamed: the kept commits follow the rename.
  fs::rename(kept.site / "content/about.md", kept.site / "content/about-us.md");
  replace_in(kept.site / "content/_index.md", "@/about.md", "@/about-us.md");
  kept.repo.commit_all("Rename the about page", at_noon(2024, 3, 1));
  CHECK(kept.commits_read_by_rebuild() == 1);
  // A commit to a restricted page, which the kept history holds nothing of,
  // and a public one: it, then the whole history (5 commits); no words shown.
  append(kept.site / "content/secret-page.md", "\nMore restricted text.\n");
  append(kept.site / "content/about-us.md", "\nA public correction.\n");
  kept.repo.commit_all("Restricted and public", at_noon(2024, 3, 2));
  CHECK(kept.commits_read_by_rebuild() == 1 + 5);
  const auto about = read_file(kept.out / "about-us/index.html");
  CHECK(contains(about, "Correct the about page"));
  CHECK(contains(about, "Rename the about page"));
  CHECK_FALSE(contains(about, "Restricted and public"));
}

TEST_CASE("a history rewritten, or a file released that the kept history was not kept for, is read whole",
          "[history][build-state]") {
  KeptHistory kept;
  SECTION("a new page committed") {
    write_file(kept.site / "content/new-page.md", "+++\ntitle = \"A new page\"\n+++\n\nNew words.\n");
    kept.repo.commit_all("Add a page", at_noon(2024, 2, 1));
    // The new commit, then the whole history: the kept one has no commit of the new page.
    CHECK(kept.commits_read_by_rebuild() == 1 + kept.first_commits + 1);
  }
  SECTION("a page renamed, then the rename committed") {
    fs::rename(kept.site / "content/contact.md", kept.site / "content/contact-us.md");
    CHECK(kept.commits_read_by_rebuild() == kept.first_commits);  // a page the history was not kept for
    // Kept for the page as renamed, before the rename was committed: without the old name's commits.
    kept.repo.commit_all("Rename the contact page", at_noon(2024, 2, 1));
    CHECK(kept.commits_read_by_rebuild() == 1 + kept.first_commits + 1);
  }
  SECTION("a restricted page released, not committed") {
    replace_in(kept.site / "content/secret-page.md", "restricted = true", "restricted = false");
    CHECK(kept.commits_read_by_rebuild() == kept.first_commits);
  }
  SECTION("the history made again") {
    fs::remove_all(kept.site / ".git");
    GitRepo again(kept.site);
    again.commit_all("Publish the portal again", at_noon(2024, 5, 1));
    // Its one commit, found not to stand on the kept one, then the whole history: that commit again.
    CHECK(kept.commits_read_by_rebuild() == 2);
    CHECK(contains(read_file(kept.out / "about/index.html"), "<time datetime=\"2024-05-01\">"));
  }
  SECTION("the store spoiled") {
    const auto store = portal::history_store_file(kept.out);
    std::string bytes = read_file(store);
    bytes[bytes.size() / 2] ^= 1;
    write_file(store, bytes);
    append(kept.site / "content/contact.md", "\nA new telephone line.\n");
    CHECK(kept.commits_read_by_rebuild() == kept.first_commits);
  }
  SECTION("a --full build") { CHECK(kept.build(true).work.commits_read == kept.first_commits); }
}

TEST_CASE("the kept history names no unpublished file and no private commit's words or id", "[history][leak]") {
  KeptHistory kept;
  append(kept.site / "content/secret-page.md", "\nMore restricted text.\n");
  const auto only_restricted = kept.repo.commit_all("LEAKTOKEN-COMMIT-RESTRICTED-ONLY", at_noon(2024, 2, 1));
  append(kept.site / "content/draft-page.md", "\nMore draft text.\n");
  append(kept.site / "content/about.md", "\nA public correction.\n");
  const auto mixed = kept.repo.commit_all("LEAKTOKEN-COMMIT-MIXED", at_noon(2024, 3, 1));
  kept.build();
  for (int round = 0; round < 2; ++round) {  // as read whole, then as kept and read again
    const std::string store = read_file(portal::history_store_file(kept.out));
    REQUIRE(contains(store, "content/about.md"));
    for (const char* unpublished :
         {"LEAKTOKEN", "secret-page", "draft-page", "bulletins/2999-01", "e1-dhr-update", "e1-annex"})
      CHECK_FALSE(contains(store, unpublished));
    CHECK_FALSE(contains(store, only_restricted.substr(0, 7)));  // shown nowhere: not kept at all
    CHECK_FALSE(contains(store, mixed));                         // its pages show its short id alone
    CHECK(contains(store, mixed.substr(0, 7)));
    append(kept.site / "content/contact.md", "\nA new telephone line.\n");
    CHECK(kept.build().work.commits_read == 0);
  }
}
