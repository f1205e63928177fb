// Reading and writing files inside the site's source folder without ever
// following a symbolic link or leaving it by "..": every path is opened one
// folder at a time from a held descriptor of the source folder (openat with
// O_NOFOLLOW), never by handing the kernel a whole path to resolve again. A
// folder swapped for a link while a save runs therefore cannot send the save
// elsewhere: the save goes on in the folder it opened, or it fails.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <sys/stat.h>

#include "result.h"

namespace portal {

// The site's source folder, held open. The path leading to it may hold links
// (the site may live anywhere); nothing beneath it may.
class SourceDir {
 public:
  // Opens `source`; when it cannot, the object is false and opened() says why.
  explicit SourceDir(const std::filesystem::path& source);
  ~SourceDir();
  SourceDir(SourceDir&& other) noexcept;
  SourceDir& operator=(SourceDir&& other) noexcept;
  SourceDir(const SourceDir&) = delete;
  SourceDir& operator=(const SourceDir&) = delete;

  explicit operator bool() const { return fd_ >= 0; }
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const Done& opened() const { return opened_; }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  int fd_ = -1;
  Done opened_;
  std::filesystem::path path_;
};

// Whether `relative` can name a file beneath the source folder; not when it is
// empty, absolute, or has a "..", "." or empty component or a NUL byte.
Done check_beneath_path(std::string_view relative);

// A file read beneath the source folder. `info` is the fstat of the very
// descriptor the bytes were read from (its mode, size and times).
struct BeneathFile {
  std::string bytes;
  struct stat info {};
};

// Reads source/relative, refusing a link at any component, "..", and absolute
// paths. A failure names the path; it is missing() when there is no such file
// (or folder on the way to it) and nothing else is wrong.
Result<BeneathFile> read_beneath(const SourceDir& source, std::string_view relative);

// What may be at `relative` when writing it.
enum class IfExists {
  replace,  // a save: the file is replaced at once, keeping its permissions
  refuse,   // `portal new`: never overwrites; an existing file is an error
};

// How write_atomically puts a file in place.
struct AtomicWrite {
  IfExists if_exists = IfExists::replace;
  int mode = -1;  // the new file's permissions; -1: 0666 less the umask
  // Called after each step that changes the disk (the interrupt tests stop the process there).
  std::function<void()> after_step;
};

// Writes `bytes` as `name` in the open folder `dir` at once: a reader sees the
// old file or the new, never part of one. A temporary file is made beside it
// (O_CREAT|O_EXCL|O_NOFOLLOW), written, synced, renamed (or linked, for
// IfExists::refuse) into place, and the folder synced; on a failure it is
// removed. A failure carries the errno of the step that failed (EEXIST: the
// name exists and `if_exists` refuses it).
Done write_atomically(int dir, const std::string& name, std::string_view bytes, const AtomicWrite& how = {});

// Writes `bytes` to source/relative at once: a reader sees the old file or the
// new, never part of one. The temporary file is made in the held parent
// folder (O_CREAT|O_EXCL|O_NOFOLLOW), synced, renamed (or linked, for
// IfExists::refuse) within that same folder, and the folder synced; on any
// failure it is removed, never left behind. The folders must exist (see
// make_folders_beneath). A failure names the path.
Done write_beneath_atomically(const SourceDir& source, std::string_view relative, std::string_view bytes,
                              IfExists if_exists = IfExists::replace);

// Removes the file source/relative (never a link or a folder), its folder reached as above.
Done remove_beneath(const SourceDir& source, std::string_view relative);

// Makes the folder source/relative and those leading to it, one at a time,
// each opened without following links.
Done make_folders_beneath(const SourceDir& source, std::string_view relative);

}  // namespace portal
