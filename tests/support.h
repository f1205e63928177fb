// Helpers shared by the tests: temporary folders, fixture sites, reading output trees.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "site.h"

namespace portal::test {

// A fresh folder under the system temp folder, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::filesystem::path fixture(const std::string& name);  // tests/sites/<name>
std::filesystem::path repo_root();

// Fixture `name` loaded as a build without --drafts loads it on `today` (on one thread); the load must succeed.
portal::Site load_fixture(const std::string& name, const portal::Date& today);

// Copies fixture `name` into `dir` and returns the copy's root.
std::filesystem::path copy_fixture(const std::string& name, const std::filesystem::path& dir);

void write_file(const std::filesystem::path& p, const std::string& content);
// Replaces the first `from` in the file (which must hold it) with `to`.
void replace_in(const std::filesystem::path& file, const std::string& from, const std::string& to);
std::string read_file(const std::filesystem::path& p);

// What a Result says went wrong; empty when it is a success.
template <class R>
std::string failure_text(const R& result) {
  return result ? std::string() : result.error();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Every regular file under `root` (relative path → bytes).
std::map<std::string, std::string> read_tree(const std::filesystem::path& root);
// `html` without the full addresses each link carries for print (data-url):
// for tests about what a link says and where it leads on screen.
std::string without_print_addresses(std::string html);
// read_tree(), each HTML file without_print_addresses().
std::map<std::string, std::string> read_pages(const std::filesystem::path& root);

// `portal build` of `source` into `out`, with `more` arguments, which must succeed; read_pages() of `out`.
std::map<std::string, std::string> build_pages(const std::filesystem::path& source, const std::filesystem::path& out,
                                               const std::vector<std::string>& more = {});

// What `portal build` says of the fixtures' address (https://example.org/fixture/), a placeholder.
extern const std::string kFixtureAddressWarning;

// Runs the command line, capturing both streams.
struct CliRun {
  int status;
  std::string out;
  std::string err;
};
CliRun run(const std::vector<std::string>& args);

}  // namespace portal::test
