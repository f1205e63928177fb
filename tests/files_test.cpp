// files.h: walk_tree on one thread and on several (the same entries, each
// folder before what it holds, links never entered, a stop or a throw from
// any thread given back to the caller); a store's file read only when it is
// a regular file within its size, and written whole or not at all.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "support.h"

using namespace portal;
using namespace portal::test;
namespace fs = std::filesystem;

namespace {

// Four levels of folders, files at each, and a link at the second level to a folder outside.
fs::path make_tree(const fs::path& base) {
  const fs::path root = base / "tree";
  for (const char* top : {"a", "b", "c"}) {
    write_file(root / top / "top.txt", top);
    for (const char* middle : {"x", "y"}) {
      write_file(root / top / middle / "middle.txt", middle);
      for (const char* low : {"p", "q", "r"}) write_file(root / top / middle / low / "deep" / "leaf.txt", low);
    }
  }
  write_file(root / "root.txt", "root");
  write_file(base / "outside" / "secret.txt", "not under the root");
  fs::create_directory_symlink(base / "outside", root / "a" / "link");
  return root;
}

// Every entry a walk visits, in the order visited (from any thread), with whether it is a folder.
struct Visits {
  std::mutex mutex;
  std::vector<std::string> order;
  std::map<std::string, mode_t> kinds;
  void add(std::string_view name, const struct stat& st) {
    const std::lock_guard lock(mutex);
    order.emplace_back(name);
    kinds.emplace(std::string(name), st.st_mode & S_IFMT);
  }
};

}  // namespace

TEST_CASE("a tree is walked alike on one thread and on several", "[walk]") {
  TempDir tmp;
  const fs::path root = make_tree(tmp.path());
  Visits one, two;
  REQUIRE(walk_tree(root, [&](std::string_view name, const struct stat& st) {
    one.add(name, st);
    return true;
  }));
  REQUIRE(walk_tree(
      root,
      [&](std::string_view name, const struct stat& st) {
        two.add(name, st);
        return true;
      },
      nullptr, 2));
  CHECK(one.kinds == two.kinds);
  CHECK(two.order.size() == two.kinds.size());  // each entry once
  CHECK(two.kinds.count("a/x/p/deep/leaf.txt"));
  CHECK(two.kinds.at("a/link") == S_IFLNK);
  for (const auto& [name, kind] : two.kinds) CHECK(name.find("secret") == std::string::npos);
  // Each folder before what it holds.
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < two.order.size(); ++i) at[two.order[i]] = i;
  for (const auto& [name, position] : at) {
    const auto slash = name.rfind('/');
    if (slash != std::string::npos) CHECK(at.at(name.substr(0, slash)) < position);
  }
}

TEST_CASE("a walk on several threads stops where it is told to, and gives back a throw", "[walk]") {
  TempDir tmp;
  const fs::path root = make_tree(tmp.path());
  std::string why = "unset";
  // Stopped deep down, on a walking thread: the walk is not whole, and nothing was unreadable.
  CHECK_FALSE(walk_tree(
      root, [](std::string_view name, const struct stat&) { return name != "b/y/q/deep/leaf.txt"; }, &why, 2));
  CHECK(why.empty());
  // A throw deep down reaches the caller, not std::terminate.
  CHECK_THROWS_AS(walk_tree(
                      root,
                      [](std::string_view name, const struct stat&) -> bool {
                        if (name == "c/x/r/deep") throw std::runtime_error("thrown on a walking thread");
                        return true;
                      },
                      nullptr, 2),
                  std::runtime_error);
  // A root that is a link is no folder to walk, whatever the threads.
  fs::create_directory_symlink(root, tmp.path() / "root-link");
  CHECK_FALSE(walk_tree(
      tmp.path() / "root-link", [](std::string_view, const struct stat&) { return true; }, &why, 2));
  CHECK(why.find("not a folder") != std::string::npos);
}

TEST_CASE("a file is read whole only when it is a regular file within its size, never through a link or a FIFO",
          "[files]") {
  TempDir tmp;
  const fs::path file = tmp.path() / "store";
  write_file(file, "twelve bytes");
  std::string into;
  auto place = [&](std::size_t size) {
    into.assign(size, '\0');
    return into.data();
  };
  CHECK(read_regular_file(file, 12, place) == std::optional<std::size_t>(12));
  CHECK(into == "twelve bytes");
  CHECK_FALSE(read_regular_file(file, 11, place));                                         // larger than allowed
  CHECK_FALSE(read_regular_file(file, 12, [](std::size_t) -> char* { return nullptr; }));  // no memory given
  fs::create_symlink(file, tmp.path() / "link");
  CHECK_FALSE(read_regular_file(tmp.path() / "link", 100, place));
  // A FIFO with no writer: refused at once, not waited on.
  REQUIRE(::mkfifo((tmp.path() / "fifo").c_str(), 0600) == 0);
  CHECK_FALSE(read_regular_file(tmp.path() / "fifo", 100, place));
  CHECK_FALSE(read_regular_file(tmp.path() / "missing", 100, place));
}

TEST_CASE("a file read whole is named by the identity of the file read, not that of another in its place", "[files]") {
  TempDir tmp;
  const fs::path file = tmp.path() / "store";
  write_file(file, "twelve bytes");
  std::string into, identity;
  auto place = [&](std::size_t size) {
    into.assign(size, '\0');
    return into.data();
  };
  REQUIRE(read_regular_file(file, 100, place, &identity));
  struct stat info {};
  REQUIRE(::lstat(file.c_str(), &info) == 0);
  CHECK(identity == file_identity(info));
  // Written longer, its modification time put back: another identity.
  const auto written = fs::last_write_time(file);
  write_file(file, "thirteen bytes");
  fs::last_write_time(file, written);
  REQUIRE(::lstat(file.c_str(), &info) == 0);
  CHECK(file_identity(info) != identity);
  // Another file in its place, of the same size: another identity (its inode).
  write_file(tmp.path() / "other", "twelve bytes");
  fs::rename(tmp.path() / "other", file);
  std::string replaced;
  REQUIRE(read_regular_file(file, 100, place, &replaced));
  CHECK(replaced != identity);
  REQUIRE(::lstat(file.c_str(), &info) == 0);
  CHECK(replaced == file_identity(info));
}

TEST_CASE("a file replaced unsynced is its owner's alone, whole or left as it was, never written through a link",
          "[files]") {
  TempDir tmp;
  const fs::path file = tmp.path() / "store";
  write_file(file, "old");
  CHECK_FALSE(replace_file_unsynced(file, [](int fd) { return write_all(fd, "half") && false; }));
  CHECK(portal::test::read_file(file) == "old");
  CHECK_FALSE(fs::exists(file.string() + ".new"));
  // A link where the temporary file goes, and the file itself a link: neither is followed.
  write_file(tmp.path() / "elsewhere", "not to be written");
  fs::create_symlink(tmp.path() / "elsewhere", file.string() + ".new");
  fs::remove(file);
  fs::create_symlink(tmp.path() / "elsewhere", file);
  CHECK(replace_file_unsynced(file, [](int fd) { return write_all(fd, "new"); }));
  CHECK(portal::test::read_file(tmp.path() / "elsewhere") == "not to be written");
  CHECK_FALSE(fs::is_symlink(file));
  CHECK(portal::test::read_file(file) == "new");
  CHECK((fs::status(file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
}
