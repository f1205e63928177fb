// The site's files are read and written without following links (issue 25, point 6).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include <git2.h>
#include <unistd.h>

#include "beneath.h"
#include "git_commit.h"
#include "git_repo.h"
#include "scaffold.h"
#include "support.h"

using namespace portal;
using namespace portal::test;
namespace fs = std::filesystem;

namespace {

// A site folder and, beside it, a folder outside the site that links point to.
struct Sandbox {
  TempDir dir;
  fs::path site = dir.path() / "site";
  fs::path outside = dir.path() / "outside";
  Sandbox() {
    fs::create_directories(site / "content");
    fs::create_directories(outside);
  }
  // Every name in the outside folder.
  [[nodiscard]] std::vector<std::string> outside_names() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(outside)) names.push_back(e.path().filename().string());
    return names;
  }
};

std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("files beneath the source folder are read and written whole", "[beneath]") {
  Sandbox s;
  const SourceDir source(s.site);
  REQUIRE(source);
  CHECK(failure_text(make_folders_beneath(source, "content/events/2024")) == "");
  CHECK(failure_text(write_beneath_atomically(source, "content/events/2024/a.md", "first\n", IfExists::refuse)) == "");
  CHECK(read_file(s.site / "content/events/2024/a.md") == "first\n");
  const auto again = write_beneath_atomically(source, "content/events/2024/a.md", "second\n", IfExists::refuse);
  CHECK(contains(failure_text(again), "content/events/2024/a.md already exists"));
  CHECK(read_file(s.site / "content/events/2024/a.md") == "first\n");
  // A save keeps the file's permissions.
  fs::permissions(s.site / "content/events/2024/a.md", fs::perms(0750));
  CHECK(failure_text(write_beneath_atomically(source, "content/events/2024/a.md", "third\n")) == "");
  CHECK(fs::status(s.site / "content/events/2024/a.md").permissions() == fs::perms(0750));
  const auto read = read_beneath(source, "content/events/2024/a.md");
  REQUIRE(read);
  CHECK(read->bytes == "third\n");
  CHECK((read->info.st_mode & 0777) == 0750);
  CHECK(names_in(s.site / "content/events/2024") == std::vector<std::string>{"a.md"});  // no temporary file left
  const auto none = read_beneath(source, "content/events/2024/b.md");
  REQUIRE_FALSE(none);
  CHECK(none.failure().missing());
  CHECK(contains(none.error(), "content/events/2024/b.md"));
}

TEST_CASE("a linked folder is refused for reading and writing, and nothing is written where it leads", "[beneath]") {
  Sandbox s;
  write_file(s.outside / "x.md", "outside\n");
  fs::create_directory_symlink(s.outside, s.site / "content/events");
  const SourceDir source(s.site);
  REQUIRE(source);
  const auto read = read_beneath(source, "content/events/x.md");
  REQUIRE_FALSE(read);
  CHECK_FALSE(read.failure().missing());
  CHECK(contains(read.error(), "content/events is a symbolic link"));
  const auto written = failure_text(write_beneath_atomically(source, "content/events/x.md", "inside\n"));
  CHECK(contains(written, "content/events is a symbolic link"));
  CHECK(contains(written, "replace it with a real folder"));
  CHECK(contains(failure_text(write_beneath_atomically(source, "content/events/new.md", "new\n", IfExists::refuse)),
                 "content/events is a symbolic link"));
  CHECK(
      contains(failure_text(make_folders_beneath(source, "content/events/sub")), "content/events is a symbolic link"));
  CHECK(read_file(s.outside / "x.md") == "outside\n");
  CHECK(s.outside_names() == std::vector<std::string>{"x.md"});
}

TEST_CASE("a linked file is refused for reading and writing", "[beneath]") {
  Sandbox s;
  write_file(s.outside / "a.md", "outside\n");
  fs::create_symlink(s.outside / "a.md", s.site / "content/a.md");
  const SourceDir source(s.site);
  REQUIRE(source);
  const auto read = read_beneath(source, "content/a.md");
  REQUIRE_FALSE(read);
  CHECK(contains(read.error(), "content/a.md is a symbolic link"));
  CHECK(contains(failure_text(write_beneath_atomically(source, "content/a.md", "inside\n")),
                 "content/a.md is a symbolic link"));
  CHECK(fs::is_symlink(s.site / "content/a.md"));
  CHECK(read_file(s.outside / "a.md") == "outside\n");
  CHECK(s.outside_names() == std::vector<std::string>{"a.md"});
}

TEST_CASE("paths that climb out or start at the root are refused", "[beneath]") {
  Sandbox s;
  write_file(s.outside / "x.md", "outside\n");
  const SourceDir source(s.site);
  REQUIRE(source);
  const std::vector<std::string> refused = {
      "../outside/x.md", "content/../../outside/x.md",      (s.outside / "x.md").string(), "", "content//a.md",
      "./content/a.md",  std::string("content/a.md\0x", 14)};
  for (const std::string& bad : refused) {
    INFO(bad);
    CHECK_FALSE(check_beneath_path(bad).ok());
    CHECK_FALSE(read_beneath(source, bad).ok());
    CHECK_FALSE(write_beneath_atomically(source, bad, "inside\n").ok());
    CHECK_FALSE(make_folders_beneath(source, bad).ok());
  }
  CHECK(read_file(s.outside / "x.md") == "outside\n");
  CHECK(s.outside_names() == std::vector<std::string>{"x.md"});
  CHECK(names_in(s.site / "content").empty());
}

TEST_CASE("a folder swapped for a link while saving never sends a save outside the site", "[beneath]") {
  Sandbox s;
  const fs::path events = s.site / "content/events";
  const fs::path aside = s.site / "content/events-aside";
  write_file(events / "e.md", "version 0\n");
  const SourceDir source(s.site);
  REQUIRE(source);
  std::atomic<bool> started{false};
  std::atomic<int> swap_failures{0};
  std::thread swapper([&] {
    for (int i = 0; i < 2000; ++i) {
      // The real folder moved aside and a link to the outside folder put in its place, then back.
      if (::rename(events.c_str(), aside.c_str()) != 0 || ::symlink(s.outside.c_str(), events.c_str()) != 0)
        ++swap_failures;
      started = true;
      if (::unlink(events.c_str()) != 0 || ::rename(aside.c_str(), events.c_str()) != 0) ++swap_failures;
    }
  });
  while (!started) std::this_thread::yield();
  for (int i = 1; i <= 300; ++i)
    (void)write_beneath_atomically(source, "content/events/e.md", "version " + std::to_string(i) + "\n");
  swapper.join();
  CHECK(swap_failures == 0);
  CHECK(s.outside_names().empty());
  CHECK(names_in(events) == std::vector<std::string>{"e.md"});
  CHECK(read_file(events / "e.md").starts_with("version "));
  // Once nothing swaps, a save is written.
  CHECK(failure_text(write_beneath_atomically(source, "content/events/e.md", "version 301\n")) == "");
  CHECK(read_file(events / "e.md") == "version 301\n");
}

TEST_CASE("portal new refuses a linked content/events and writes nothing outside", "[beneath]") {
  Sandbox s;
  fs::create_directory_symlink(s.outside, s.site / "content/events");
  ScaffoldRequest r;
  r.kind = "event";
  r.options = {{"--title", "DHR learning webinar"}, {"--date", "2024-06-27"}};
  const auto made = scaffold(s.site, r);
  REQUIRE_FALSE(made);
  CHECK(contains(made.error(), "content/events is a symbolic link"));
  CHECK(s.outside_names().empty());
}

namespace {

// The site made a repository with one commit, which knows its author.
void make_repository(const fs::path& site) {
  write_file(site / "content/about.md", "+++\ntitle = \"About\"\n+++\n");
  GitRepo repo(site);
  repo.commit_all("Start", at_noon(2024, 1, 1));
  git_repository* raw = nullptr;
  REQUIRE(git_repository_open(&raw, site.c_str()) == 0);
  git_config* config = nullptr;
  REQUIRE(git_repository_config(&config, raw) == 0);
  CHECK(git_config_set_string(config, "user.name", "Comms Team") == 0);
  CHECK(git_config_set_string(config, "user.email", "team@example.org") == 0);
  git_config_free(config);
  git_repository_free(raw);
}

// The bytes of `path` in the commit HEAD names, or "(none)".
std::string committed(const fs::path& site, const std::string& path) {
  git_libgit2_init();
  git_repository* repo = nullptr;
  git_object* blob = nullptr;
  std::string bytes = "(none)";
  if (git_repository_open(&repo, site.c_str()) == 0 &&
      git_revparse_single(&blob, repo, ("HEAD:" + path).c_str()) == 0) {
    const auto* b = reinterpret_cast<const git_blob*>(blob);
    bytes.assign(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<std::size_t>(git_blob_rawsize(b)));
  }
  git_object_free(blob);
  git_repository_free(repo);
  git_libgit2_shutdown();
  return bytes;
}

unsigned status_of(const fs::path& site, const std::string& path) {
  git_libgit2_init();
  git_repository* repo = nullptr;
  unsigned flags = 0xffff;
  if (git_repository_open(&repo, site.c_str()) == 0) git_status_file(&flags, repo, path.c_str());
  git_repository_free(repo);
  git_libgit2_shutdown();
  return flags;
}

}  // namespace

TEST_CASE("publishing commits a file's own bytes, and refuses a linked folder or file", "[beneath]") {
  Sandbox s;
  make_repository(s.site);
  write_file(s.site / "content/about.md", "+++\ntitle = \"About us\"\n+++\n");
  const auto ok = commit_files(s.site, {"content/about.md"}, "About: a new title");
  REQUIRE(failure_text(ok) == "");
  CHECK(committed(s.site, "content/about.md") == "+++\ntitle = \"About us\"\n+++\n");
  CHECK(status_of(s.site, "content/about.md") == GIT_STATUS_CURRENT);

  write_file(s.outside / "x.md", "outside\n");
  fs::create_directory_symlink(s.outside, s.site / "content/events");
  const auto through_folder = commit_files(s.site, {"content/events/x.md"}, "Events: x");
  REQUIRE_FALSE(through_folder);
  CHECK(contains(through_folder.error(), "content/events is a symbolic link"));
  CHECK(committed(s.site, "content/events/x.md") == "(none)");

  fs::create_symlink(s.outside / "x.md", s.site / "content/x.md");
  const auto linked_file = commit_files(s.site, {"content/x.md"}, "x");
  REQUIRE_FALSE(linked_file);
  CHECK(contains(linked_file.error(), "content/x.md is a symbolic link"));
  CHECK(committed(s.site, "content/x.md") == "(none)");
}
