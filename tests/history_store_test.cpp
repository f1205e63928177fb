// The history a build keeps beside its output: the next build walks only the
// commits made since, and makes what a whole walk makes; anything else (a
// history rewritten, a merge, a file released that it was not kept for, a
// store spoiled) reads the history whole. It names nothing unpublished.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "build.h"
#include "build_state.h"
#include "files.h"
#include "git_repo.h"
#include "history_store.h"
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

// Sets, in the kept history `store` (history_store.cpp: a heading line, then
// the head, the wording's hash, the files kept for, those kept without words,
// the count of commits; then the hash of all but the heading), the count of
// commits to `count`, its hash made to match.
void set_commit_count(const fs::path& store, std::uint64_t count) {
  std::string bytes = read_file(store);
  const std::size_t payload = bytes.find('\n') + 1;
  std::size_t at = payload;
  auto number = [&] {
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data() + at, sizeof n);
    at += sizeof n;
    return n;
  };
  for (int text = 0; text < 2; ++text) at += number();
  for (int list = 0; list < 2; ++list)
    for (auto n = number(); n > 0; --n) at += number();
  std::memcpy(bytes.data() + at, &count, sizeof count);
  const std::uint64_t hash = portal::content_hash(std::string_view(bytes).substr(payload, bytes.size() - 8 - payload));
  std::memcpy(bytes.data() + bytes.size() - 8, &hash, sizeof hash);
  write_file(store, bytes);
}

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
  // The rename, then the whole history: a kept history cannot say what else the new name had (below).
  CHECK(kept.commits_read_by_rebuild() == 1 + kept.first_commits + 2);
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
  SECTION("a page renamed to the name of one deleted before") {
    // A whole walk gives the new about page the old one's commits too, under its name.
    fs::remove(kept.site / "content/about.md");
    replace_in(kept.site / "content/_index.md", "@/about.md", "@/contact.md");
    kept.repo.commit_all("Remove the about page", at_noon(2024, 2, 1));
    CHECK(kept.commits_read_by_rebuild() == 1);
    fs::rename(kept.site / "content/contact.md", kept.site / "content/about.md");
    replace_in(kept.site / "content/_index.md", "@/contact.md", "@/about.md");
    kept.repo.commit_all("Make the contact page the about page", at_noon(2024, 2, 2));
    CHECK(kept.commits_read_by_rebuild() == 1 + kept.first_commits + 2);  // the same as a full build's, above
    CHECK(contains(read_file(kept.out / "about/index.html"), "Correct the about page"));
  }
  SECTION("a file renamed to a document") {
    write_file(kept.site / "content/notes.txt", "+++\ntitle = \"Notes\"\n+++\n\nNotes kept as a file.\n");
    kept.repo.commit_all("Add notes as a file", at_noon(2024, 2, 1));
    CHECK(kept.commits_read_by_rebuild() == 1 + kept.first_commits + 1);  // a file added: read whole
    fs::rename(kept.site / "content/notes.txt", kept.site / "content/notes.md");
    kept.repo.commit_all("Make the notes a page", at_noon(2024, 2, 2));
    // The file's commits were not kept (they changed no document): read whole, they are on its page.
    CHECK(kept.commits_read_by_rebuild() == 1 + kept.first_commits + 2);
    CHECK(contains(read_file(kept.out / "notes/index.html"), "Add notes as a file"));
  }
  SECTION("site.toml's history settings changed after the store was chosen by them") {
    const auto before = portal::read_settings(kept.site);
    REQUIRE(before.config);
    auto taken = portal::read_history_store(kept.out, portal::history_store_key(kept.site, *before.config));
    REQUIRE(taken);
    replace_in(kept.site / "site.toml", "show_authors = false", "show_authors = true");
    portal::BuildOptions options;
    options.source = kept.site;
    options.local = true;
    options.kept_history = &*taken;
    std::vector<portal::OutputFile> files;
    const auto built = portal::render_site(options, files);
    REQUIRE(built.outcome == portal::Outcome::ok);
    CHECK(built.work.commits_read == kept.first_commits);
    const auto about =
        std::find_if(files.begin(), files.end(), [](const auto& f) { return f.path == "about/index.html"; });
    REQUIRE(about != files.end());
    CHECK(contains(about->content, "Comms Team"));  // the authors, which the store did not keep
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
  SECTION("the store's count of commits made huge, its hash made to match") {
    set_commit_count(portal::history_store_file(kept.out), std::uint64_t{1} << 40);
    append(kept.site / "content/contact.md", "\nA new telephone line.\n");
    CHECK(kept.commits_read_by_rebuild() == kept.first_commits);
  }
  SECTION("a change worded again in content/history.toml, not committed") {
    append(kept.site / "content/contact.md", "\nA corrected line.\n");
    const auto wording = kept.repo.commit_all("fix typo in contact.md (refs #12)", at_noon(2024, 2, 1));
    write_file(kept.site / "content/history.toml",
               "[changes]\n\"" + wording.substr(0, 9) + "\" = \"Contact: a corrected line\"\n");
    kept.repo.commit_all("Word a change for the public", at_noon(2024, 2, 2));
    // content/history.toml is no file the history was kept for: the two commits, then all four.
    CHECK(kept.commits_read_by_rebuild() == 2 + kept.first_commits + 2);
    CHECK(contains(read_file(kept.out / "contact/index.html"), "Contact: a corrected line"));
    // The kept words are the public ones, never the line written for developers.
    CHECK_FALSE(contains(read_file(portal::history_store_file(kept.out)), "fix typo"));
    write_file(kept.site / "content/history.toml",
               "[changes]\n\"" + wording.substr(0, 9) + "\" = \"Contact: worded again\"\n");
    CHECK(kept.commits_read_by_rebuild() == kept.first_commits + 2);
    CHECK(contains(read_file(kept.out / "contact/index.html"), "Contact: worded again"));
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
