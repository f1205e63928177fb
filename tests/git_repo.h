// A git repository made with libgit2 in a test's temporary folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

struct git_repository;

namespace portal::test {

class GitRepo {
 public:
  explicit GitRepo(const std::filesystem::path& work_tree);
  ~GitRepo();
  GitRepo(const GitRepo&) = delete;
  GitRepo& operator=(const GitRepo&) = delete;

  // Stages every change in the work tree (new, changed and deleted files) and
  // commits it at `time` (seconds since 1970, UTC). Returns the commit's hash.
  std::string commit_all(const std::string& message, std::int64_t time, const std::string& author = "Comms Team");
  // The commit HEAD names (40 hex digits), and its author as git log's %an <%ae>.
  [[nodiscard]] std::string head() const;
  [[nodiscard]] std::string author_of_head() const;

 private:
  git_repository* repo_ = nullptr;
};

// Seconds since 1970 of noon UTC on a date.
std::int64_t at_noon(int year, int month, int day);

}  // namespace portal::test
