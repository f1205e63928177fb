// Version history of the content, read once from the git repository that holds
// the source folder (libgit2; never the git command): one walk of the commit
// graph, each commit diffed against its first parent, renames followed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "date.h"

namespace portal {

struct Commit {
  std::string hash;     // full hexadecimal id
  std::string summary;  // first line of the message
  std::string author;
  Date date;                       // the committer's local date
  std::int64_t time = 0;           // the commit's time, in seconds since 1970 (UTC)
  std::vector<std::string> paths;  // content files it changed, as "content/…" at HEAD
  // Taken from a kept history (history_store.h): it also changed files that
  // history does not name, none of them published when it was kept.
  bool touched_unkept = false;
};

struct History {
  bool available = false;
  std::string unavailable_because;  // set when !available
  std::vector<Commit> commits;      // newest first
  // "content/…" (as at HEAD) → indices into `commits`, newest first.
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_path;
  std::set<std::string> uncommitted;  // content files and site.toml changed, new or deleted and not committed
  // The commit read from, as the hash of its id (a kept history names no
  // commit its pages do not show); empty without commits.
  std::string head;
  // Taken in part from a kept history: the files it was kept for, as at
  // `head` and sorted. Empty when the history was read whole.
  std::vector<std::string> kept_for;
  // Of those, the ones whose pages showed no commit's words (reviews): their
  // commits were kept without them. Sorted.
  std::vector<std::string> kept_without_words;
  std::size_t commits_read = 0;  // commits this read walked (the others were kept)
  // Taken from a kept history: what it was kept under, the history settings
  // and the hash of the words content/history.toml gave commits (its
  // summaries are those words).
  std::string kept_under;

  [[nodiscard]] const std::vector<std::uint32_t>* of(const std::string& path) const {
    const auto it = by_path.find(path);
    return it == by_path.end() ? nullptr : &it->second;
  }
};

// Gives each commit whose id begins with a key of `wording` that wording for
// its summary: the public words for a line written for developers, which
// history that has landed keeps.
void reword_commits(History& history, const std::map<std::string, std::string>& wording);

// Whether `path` (relative to `source`, "content/…") differs from its last
// commit, as git status says: changed, new, or deleted and not committed.
// nullopt when `source` is not in a repository with a working folder.
std::optional<bool> uncommitted_now(const std::filesystem::path& source, const std::string& path);

// What the history of `source` a build reads depends on: the commit at HEAD,
// whether the clone is shallow, and what is not committed.
struct HistoryKey {
  std::string key;                    // all of it, in one text: two equal keys give the same History
  std::string head;                   // the `head` of a History read now ("" when it would have none)
  std::set<std::string> uncommitted;  // as a History read now lists them
};
HistoryKey history_key(const std::filesystem::path& source);

// Reads the history of `source`/content. A source outside any repository, a
// bare or shallow repository, or one without commits gives a History that is
// not available, with the reason (a shallow one still lists what is not
// committed); it never fails otherwise.
//
// With `kept`, a history read before (history_store.h): when its head is
// HEAD, its commits are taken as they are; when HEAD is that head with a
// chain of commits of one parent each on top, only those are walked, and the
// kept commits' paths follow the chain's renames. Otherwise (history
// rewritten, a merge) it is read whole. The caller checks that the files
// it publishes are among `kept_for`, or reads whole.
//
// With `uncommitted`, what git status said a moment before (history_key's
// list, the build's inputs): taken as it is, and git is not asked again.
History read_history(const std::filesystem::path& source, const History* kept = nullptr,
                     const std::set<std::string>* uncommitted = nullptr);

}  // namespace portal
