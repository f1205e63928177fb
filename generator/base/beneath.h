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

namespace portal {

// The site's source folder, held open. The path leading to it may hold links
// (the site may live anywhere); nothing beneath it may.
class SourceDir {
 public:
  // Opens `source`; when it cannot, the object is false and error() says why.
  explicit SourceDir(const std::filesystem::path& source);
  ~SourceDir();
  SourceDir(SourceDir&& other) noexcept;
  SourceDir& operator=(SourceDir&& other) noexcept;
  SourceDir(const SourceDir&) = delete;
  SourceDir& operator=(const SourceDir&) = delete;

  explicit operator bool() const { return fd_ >= 0; }
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string error_;
  std::filesystem::path path_;
};

// Why `relative` cannot name a file beneath the source folder (empty, absolute,
// a "..", "." or empty component, a NUL byte); empty when it can.
std::string beneath_path_problem(std::string_view relative);

// A file read beneath the source folder. `info` is the fstat of the very
// descriptor the bytes were read from (its mode, size and times).
struct BeneathFile {
  std::optional<std::string> bytes;  // when read
  struct stat info {};
  std::string error;     // why not, naming the path, when not read
  bool missing = false;  // no such file (or folder on the way to it), and nothing else wrong
};

// Reads source/relative, refusing a link at any component, "..", and absolute paths.
BeneathFile read_beneath(const SourceDir& source, std::string_view relative);

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
// removed. Returns 0 when written, else the errno of the step that failed
// (EEXIST: the name exists and `if_exists` refuses it).
int write_atomically(int dir, const std::string& name, std::string_view bytes, const AtomicWrite& how = {});

// Writes `bytes` to source/relative at once: a reader sees the old file or the
// new, never part of one. The temporary file is made in the held parent
// folder (O_CREAT|O_EXCL|O_NOFOLLOW), synced, renamed (or linked, for
// IfExists::refuse) within that same folder, and the folder synced; on any
// failure it is removed, never left behind. The folders must exist (see
// make_folders_beneath). Returns why it failed, naming the path; empty when written.
std::string write_beneath_atomically(const SourceDir& source, std::string_view relative, std::string_view bytes,
                                     IfExists if_exists = IfExists::replace);

// Makes the folder source/relative and those leading to it, one at a time,
// each opened without following links. Returns why not; empty when it exists.
std::string make_folders_beneath(const SourceDir& source, std::string_view relative);

}  // namespace portal
