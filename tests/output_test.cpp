// The staging folder: files written from several threads appear together,
// and a failed build leaves the previous output as it was.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>

#include "build.h"
#include "output.h"
#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

// An output folder holding one earlier build.
fs::path previous_build(const TempDir& tmp) {
  const fs::path out = tmp.path() / "site";
  write_file(out / "index.html", "old");
  write_file(out / portal::kOutputMarker, "");
  return out;
}

std::vector<std::string> leftovers(const TempDir& tmp) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(tmp.path())) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("files written from two threads are swapped in together, replacing the previous build", "[output]") {
  TempDir tmp;
  const fs::path out = previous_build(tmp);
  {
    portal::StagedOutput staged(out);
    std::thread other([&] {
      for (int i = 0; i < 200; ++i) staged.write("a/" + std::to_string(i) + "/index.html", "page " + std::to_string(i));
    });
    for (int i = 0; i < 200; ++i) staged.write("b/" + std::to_string(i) + "/index.html", "page " + std::to_string(i));
    other.join();
    staged.write("index.html", "new");
    CHECK(read_tree(out).at("index.html") == "old");  // nothing shows before the swap
    CHECK(failure_text(staged.commit()) == "");
  }
  const auto tree = read_tree(out);
  CHECK(tree.size() == 402);  // 400 pages, the home page, the marker
  CHECK(tree.at("index.html") == "new");
  CHECK(tree.at("a/199/index.html") == "page 199");
  CHECK(tree.count(portal::kOutputMarker) == 1);
  CHECK(leftovers(tmp) == std::vector<std::string>{".site.next", ".site.state", "site"});  // the other generation stays
}

TEST_CASE("a live file handed on is shared as it is, and one changed by hand since is taken as it now is", "[output]") {
  TempDir tmp;
  const fs::path out = previous_build(tmp);
  auto generation = [&](const std::function<void(portal::StagedOutput&)>& fill) {
    portal::StagedOutput staged(out);
    fill(staged);
    REQUIRE(failure_text(staged.commit()) == "");
    return staged.counts();
  };
  generation([](portal::StagedOutput& staged) {
    staged.write("index.html", "home");
    staged.write("page/index.html", "page");
  });
  struct stat before {};
  REQUIRE(::stat((out / "page/index.html").c_str(), &before) == 0);
  // Handed on as the live file: the same file, counted unchanged.
  auto counts = generation([&](portal::StagedOutput& staged) {
    staged.write("index.html", "home");
    staged.copy("page/index.html", out / "page/index.html");
  });
  CHECK(counts.written == 0);
  CHECK(counts.unchanged == 2);
  struct stat after {};
  REQUIRE(::stat((out / "page/index.html").c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  // The live file changed by hand, its size kept: its record no longer vouches for it, so it is read.
  write_file(out / "page/index.html", "PAGE");
  REQUIRE(::utimensat(AT_FDCWD, (out / "page/index.html").c_str(), nullptr, 0) == 0);
  counts = generation([&](portal::StagedOutput& staged) {
    staged.write("index.html", "home");
    staged.copy("page/index.html", out / "page/index.html");
  });
  CHECK(counts.written == 1);
  CHECK(read_tree(out).at("page/index.html") == "PAGE");
  // And the generation after that shares it under its new record.
  counts = generation([&](portal::StagedOutput& staged) {
    staged.write("index.html", "home");
    staged.copy("page/index.html", out / "page/index.html");
  });
  CHECK(counts.unchanged == 2);
  CHECK(read_tree(out).at("page/index.html") == "PAGE");
}

TEST_CASE("a file that cannot be written, a path outside the output or written twice keeps the previous build",
          "[output]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"x", "x/y.html"}, "cannot write x/y.html of the new build"},  // a folder where a file already is
      {{"../escape.html"}, "refusing to write ../escape.html outside the output folder"},
      {{"a.html", "a.html"}, "two files of the build have the same path: a.html"},
  };
  for (const auto& [paths, error] : cases) {
    TempDir tmp;
    const fs::path out = previous_build(tmp);
    {
      portal::StagedOutput staged(out);
      for (const auto& path : paths) staged.write(path, "new");
      const std::string problem = failure_text(staged.commit());
      INFO(problem);
      CHECK(problem.find(error) != std::string::npos);
    }
    CHECK(read_tree(out) == std::map<std::string, std::string>{{"index.html", "old"}, {portal::kOutputMarker, ""}});
    // The other generation is left unfinished, with no record: the next build replaces what it holds.
    CHECK(leftovers(tmp) == std::vector<std::string>{".site.next", ".site.state", "site"});
    CHECK(fs::is_empty(tmp.path() / ".site.state"));
  }
}

TEST_CASE("the preview's files in memory are the files a build writes", "[output]") {
  // A build streams pages to the disk and lets go of Markdown no page needs
  // any more; the preview keeps everything: both must make the same site.
  TempDir tmp;
  for (const auto drafts : {portal::Drafts::hide, portal::Drafts::show}) {
    portal::BuildOptions options;
    options.source = fixture("every-kind");
    options.output = tmp.path() / "out";
    options.drafts = drafts;
    options.jobs = 2;
    REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
    auto built = read_tree(tmp.path() / "out");
    built.erase(portal::kOutputMarker);
    std::vector<portal::OutputFile> files;
    REQUIRE(portal::render_site(options, files).outcome == portal::Outcome::ok);
    std::map<std::string, std::string> previewed;
    for (const auto& f : files) {
      previewed[f.path] =
          f.copy_from.empty() ? f.content : read_tree(f.copy_from.parent_path()).at(f.copy_from.filename().string());
    }
    CHECK(previewed.size() == built.size());
    CHECK(previewed == built);
  }
}

namespace {

struct Seen {
  std::uint64_t inode;
  std::int64_t mtime_ns;
  std::string bytes;
  bool operator==(const Seen&) const = default;
};

// Every file of the output with its inode and modification time.
std::map<std::string, Seen> look(const fs::path& root) {
  std::map<std::string, Seen> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    out[fs::relative(e.path(), root).generic_string()] = {
        static_cast<std::uint64_t>(st.st_ino),
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec, read_file(e.path())};
  }
  return out;
}

std::set<std::string> touched(const std::map<std::string, Seen>& before, const std::map<std::string, Seen>& after) {
  std::set<std::string> out;
  for (const auto& [path, seen] : after) {
    const auto it = before.find(path);
    if (it == before.end() || it->second.mtime_ns != seen.mtime_ns || it->second.inode != seen.inode) out.insert(path);
  }
  return out;
}

std::set<std::string> different(const std::map<std::string, Seen>& before, const std::map<std::string, Seen>& after) {
  std::set<std::string> out;
  for (const auto& [path, seen] : after)
    if (!before.count(path) || before.at(path).bytes != seen.bytes) out.insert(path);
  return out;
}

// Waits until the clock that stamps files has passed `mtime_ns`, so that a
// file stamped now is later than one stamped before, however fast the
// machine: a probe file is stamped until it is (a count bounds the wait).
bool clock_past(const fs::path& probe, std::int64_t mtime_ns) {
  write_file(probe, "");
  for (long i = 0; i < 100'000'000; ++i) {
    struct stat st {};
    if (::utimensat(AT_FDCWD, probe.c_str(), nullptr, 0) != 0 || ::stat(probe.c_str(), &st) != 0) return false;
    if (static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec > mtime_ns) return true;
  }
  return false;
}

std::set<std::string> outside_search(std::set<std::string> paths) {
  std::erase_if(paths, [](const std::string& p) { return p.starts_with("search/"); });
  return paths;
}

}  // namespace

TEST_CASE("a rebuild writes only the files whose bytes changed, and the rest keep their inode and time", "[output]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const fs::path out = tmp.path() / "public";
  // --full: each build goes through the generations, whatever the last one recorded (build_state_test.cpp).
  auto build = [&] { return run({"build", "--source", site.string(), "--output", out.string(), "--full"}); };
  REQUIRE(build().status == 0);
  const auto first = look(out);
  // Nothing changed: nothing is written, and every file is the one it was.
  auto r = build();
  CHECK(contains(r.out, "files: 0 written, 54 unchanged) into"));
  const auto second = look(out);
  CHECK(second == first);
  // Nor when the build finds from its state that nothing changed, and does nothing.
  r = run({"build", "--source", site.string(), "--output", out.string()});
  CHECK(contains(r.out, "files: 0 written, 54 unchanged) into"));
  CHECK(contains(r.out, "Nothing had changed since the last build"));
  CHECK(look(out) == first);
  // One page's text: that page and the search index's pieces that hold it change, nothing else is touched.
  // (At this size the index is one piece of each sort and a directory of each list of pieces: each is written
  // under its new name, the old one removed.)
  replace_in(site / "content/about.md", "The partnership meets three times a year.",
             "The partnership meets four times a year.");
  r = build();
  INFO(r.out);
  CHECK(contains(r.out, "files: 10 written, 44 unchanged, 8 removed) into"));
  const auto third = look(out);
  CHECK(outside_search(different(second, third)) == std::set<std::string>{"about/index.html"});
  CHECK(different(second, third).size() == 10);
  CHECK(different(second, third).count("search/meta.json"));
  CHECK(touched(second, third) == different(second, third));
  // Back to the old text: the bytes of two builds ago, but a change for anyone who read the last one.
  replace_in(site / "content/about.md", "The partnership meets four times a year.",
             "The partnership meets three times a year.");
  REQUIRE(clock_past(tmp.path() / "clock", third.at("about/index.html").mtime_ns));
  REQUIRE(build().status == 0);
  const auto fourth = look(out);
  CHECK(fourth.at("about/index.html").bytes == second.at("about/index.html").bytes);
  CHECK(fourth.at("about/index.html").mtime_ns > third.at("about/index.html").mtime_ns);
  CHECK(outside_search(touched(third, fourth)) == std::set<std::string>{"about/index.html"});
  // The index's pieces are those of two builds ago again, under the same names.
  for (const auto& path : touched(third, fourth)) CHECK(fourth.at(path).bytes == second.at(path).bytes);
  // A document deleted: its files disappear.
  fs::remove(site / "content/events/webinar.md");
  r = build();
  CHECK(contains(r.out, " removed) into"));
  const auto fifth = look(out);
  CHECK_FALSE(fifth.count("events/webinar/index.html"));
  CHECK_FALSE(fifth.count("events/webinar/webinar.ics"));
  CHECK_FALSE(fs::exists(out / "events/webinar"));
  // Whatever happened, the output is what a build from nothing makes.
  REQUIRE(run({"build", "--source", site.string(), "--output", (tmp.path() / "fresh").string(), "--quiet"}).status ==
          0);
  CHECK(read_tree(out) == read_tree(tmp.path() / "fresh"));
}

TEST_CASE("a failing rebuild leaves the output exactly as it was, inodes and times included", "[output]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const fs::path out = tmp.path() / "public";
  REQUIRE(run({"build", "--source", site.string(), "--output", out.string(), "--quiet"}).status == 0);
  REQUIRE(run({"build", "--source", site.string(), "--output", out.string(), "--quiet", "--full"}).status == 0);
  const auto before = look(out);
  const auto other = look(tmp.path() / ".public.next");
  replace_in(site / "content/about.md", "+++\n\n", "+++\n\n[broken](@/nowhere.md)\n\n");
  CHECK(run({"build", "--source", site.string(), "--output", out.string(), "--quiet"}).status == 1);
  CHECK(look(out) == before);
  CHECK(look(tmp.path() / ".public.next") == other);
}

TEST_CASE("nothing but the build's own files reaches the served folder, whatever the other generation holds",
          "[output]") {
  // Regression: after stopped and concurrent builds, a temporary file of the
  // marker (.portal-output.portal-tmp-5591), hard-linked into both
  // generations, stayed in the served folder through later good builds.
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const fs::path out = tmp.path() / "out" / "public";
  const fs::path fresh = tmp.path() / "fresh";
  REQUIRE(portal::test::run({"build", "--source", site.string(), "--output", fresh.string(), "--quiet"}).status == 0);
  for (int build = 0; build < 2; ++build)  // both generations whole, each with its record
    REQUIRE(
        portal::test::run({"build", "--source", site.string(), "--output", out.string(), "--quiet", "--full"}).status ==
        0);
  const portal::OutputPaths paths(out);
  fs::create_hard_link(out / portal::kOutputMarker, paths.next / ".portal-output.portal-tmp-5591");
  write_file(paths.next / "index.html.portal-tmp-7", "half a page");
  write_file(paths.next / "gone/nobody/made.html", "a file no build made");
  for (int build = 0; build < 2; ++build) {
    INFO("build " << build);
    REQUIRE(
        portal::test::run({"build", "--source", site.string(), "--output", out.string(), "--quiet", "--full"}).status ==
        0);
    const auto served = read_tree(out);
    std::vector<std::string> extra;
    for (const auto& [path, bytes] : served)
      if (!read_tree(fresh).count(path)) extra.push_back(path);
    CHECK(extra == std::vector<std::string>{});
    CHECK(served == read_tree(fresh));
  }
  CHECK_FALSE(fs::exists(paths.next / "gone"));  // nor in the other generation, once it has been built again
}
