// The staging folder: files written from several threads appear together,
// and a failed build leaves the previous output as it was.
#include <catch2/catch.hpp>

#include <thread>

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
    CHECK(staged.commit().empty());
  }
  const auto tree = read_tree(out);
  CHECK(tree.size() == 402);  // 400 pages, the home page, the marker
  CHECK(tree.at("index.html") == "new");
  CHECK(tree.at("a/199/index.html") == "page 199");
  CHECK(tree.count(portal::kOutputMarker) == 1);
  CHECK(leftovers(tmp) == std::vector<std::string>{"site"});
}

TEST_CASE("a file that cannot be written, a path outside the output or written twice keeps the previous build", "[output]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"x", "x/y.html"}, "cannot create"},              // a folder where a file already is
      {{"../escape.html"}, "refusing to write ../escape.html outside the output folder"},
      {{"a.html", "a.html"}, "two files of the build have the same path: a.html"},
  };
  for (const auto& [paths, error] : cases) {
    TempDir tmp;
    const fs::path out = previous_build(tmp);
    {
      portal::StagedOutput staged(out);
      for (const auto& path : paths) staged.write(path, "new");
      const std::string problem = staged.commit();
      INFO(problem);
      CHECK(problem.find(error) != std::string::npos);
    }
    CHECK(read_tree(out) == std::map<std::string, std::string>{{"index.html", "old"}, {portal::kOutputMarker, ""}});
    CHECK(leftovers(tmp) == std::vector<std::string>{"site"});  // no staging folder left behind
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
      previewed[f.path] = f.copy_from.empty() ? f.content : read_tree(f.copy_from.parent_path()).at(f.copy_from.filename().string());
    }
    CHECK(previewed.size() == built.size());
    CHECK(previewed == built);
  }
}
