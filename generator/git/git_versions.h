// Earlier versions of a content file, read from git for the editor's "Recent
// changes" and "restore this version": the file as a commit left it, and the
// lines a commit changed in it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "result.h"

namespace portal {

// The file `path` (relative to `source`) as commit `commit` (its full id, or
// "HEAD" for the last) left it; fails, saying so, when the commit is unknown or did not hold the file.
Result<std::string> file_at(const std::filesystem::path& source, const std::string& commit, const std::string& path);

// A line of what a commit changed in a file: added, removed, or around them.
struct ChangedLine {
  enum class Kind { context, added, removed } kind = Kind::context;
  std::string text;  // without its line end
};

// The lines commit `commit` changed in `path`, against its first parent (all
// added when the commit made the file), with three lines around each change.
Result<std::vector<ChangedLine>> changes_in(const std::filesystem::path& source, const std::string& commit,
                                            const std::string& path);

}  // namespace portal
