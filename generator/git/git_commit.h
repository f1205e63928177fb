// What the editor writes to git: one commit of named files, and the id git
// gives a file's bytes (so a form knows whether its file changed on disk).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace portal {

// The id `git hash-object` gives these bytes (40 hex digits).
std::string blob_id(std::string_view bytes);

// Whether commit_files() can commit in `source`; not when there is no
// repository, no work tree, or git is not told who the author is.
Done check_can_commit(const std::filesystem::path& source);

// Who a commit is recorded as, when not git's configured user (the team editor's signed-in person).
struct CommitAuthor {
  std::string name, email;
};

// Commits `paths` (relative to `source`, which is in a git work tree) as they
// are in the work tree, and nothing else: the new commit's tree is its
// parent's with those files alone changed, whatever else is changed or staged.
// Each file is read once, through the held source folder and never through a
// symbolic link (a linked file or folder is refused, naming it); the commit and
// the index record those very bytes. A path no longer in the work tree is
// removed by the commit. Never pushes. `author`, when given, is its author
// and committer. Gives the new commit's id, or what went wrong and how to put it right.
Result<std::string> commit_files(const std::filesystem::path& source, const std::vector<std::string>& paths,
                                 const std::string& message, const std::optional<CommitAuthor>& author = std::nullopt);

}  // namespace portal
