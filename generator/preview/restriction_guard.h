// What a change to one content file would make public that was withheld as
// restricted. A file is withheld as restricted by its own `restricted` mark,
// by being in a restricted meeting's folder, by being the paper of a
// restricted agenda item (named by the item's `paper`, or filed under its
// code with `item`), or by being in a meeting folder whose `_index.md`
// cannot be read. Drafts and future dates are not restrictions.
//
// The editor asks before every save and publish: the files around the saved
// one (the file itself and, in a meeting's folder, every file there) are
// read as the last commit has them and as they are on disk, and again with
// the new text in place. Whatever was restricted before and is not after is
// a restriction lifted, which only the editor's separate, confirmed step may
// do.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace portal {

// A view of the site's files by their paths under the source folder
// ("content/meetings/2020-03-18/_index.md").
struct SiteFiles {
  // The file's bytes; nullopt when there is no such file.
  std::function<std::optional<std::string>(const std::string& path)> read;
  // The names of the files directly in `folder` ("content/meetings/2020-03-18").
  std::function<std::vector<std::string>(const std::string& folder)> list;
};

class SourceDir;

// The files as they are in the source folder, reached from it held open
// (never through a symbolic link). `source` must outlive the result.
SiteFiles files_on_disk(const SourceDir& source);
// The files as the last commit has them; nullopt when the source folder is
// not in a git repository with a commit.
std::optional<SiteFiles> files_at_last_commit(const std::filesystem::path& source);
// `files` with `path` holding `text`.
SiteFiles with_text(SiteFiles files, const std::string& path, const std::string& text);

struct Restrictions {
  std::set<std::string> restricted;  // withheld as restricted
  std::set<std::string> unreadable;  // whose front matter cannot be read
};

// What `files` withhold as restricted of `path` and the files of its meeting's folder.
Restrictions restrictions_around(const SiteFiles& files, const std::string& path);

// The files a change of `path` to `text` would no longer withhold as
// restricted, in path order: those restricted at the last commit or on disk
// and not with the new text. `path` itself counts too when the new text
// leaves it unreadable; another file unreadable on disk cannot be published
// and is not counted.
std::vector<std::string> restrictions_lifted(const SourceDir& source, const std::string& path, const std::string& text);

// What a change of `path` from `disk` to `text` would make public that is
// withheld as restricted: the files no longer withheld (restrictions_lifted),
// and the restricted marks taken away. Every way the editor writes a file asks.
std::vector<std::string> lifted_restrictions(const SourceDir& source, const std::string& path, const std::string& disk,
                                             const std::string& text);

}  // namespace portal
