#include "beneath.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "files.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

// A descriptor, closed when it goes.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  explicit operator bool() const { return fd_ >= 0; }
  [[nodiscard]] int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

// O_NOFOLLOW: a link, even one put there a moment ago, is refused, never followed.
constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
constexpr int kFileFlags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;

std::string link_message(const std::string& shown, const char* what) {
  return shown +
         " is a symbolic link; the portal does not follow links inside the site's folder: replace it with a real " +
         what;
}

// Why `name` in the open folder `parent` (shown as `shown`) could not be opened as a `what`.
Failure why_not(int parent, const std::string& name, const std::string& shown, const char* what, int error) {
  if (error == ENOENT) return fail("there is no " + std::string(what) + " " + shown, ENOENT);
  struct stat st {};
  if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return fail(link_message(shown, what), error);
    if (std::strcmp(what, "folder") == 0 && !S_ISDIR(st.st_mode))
      return fail(shown + " is a file, not a folder", error);
    if (std::strcmp(what, "file") == 0 && !S_ISREG(st.st_mode)) return fail(shown + " is not a file", error);
  }
  return fail("cannot open " + shown + ": " + std::strerror(error), error);
}

// The components of a path check_beneath_path() accepted.
std::vector<std::string> components(std::string_view relative) {
  std::vector<std::string> parts;
  for (std::size_t from = 0; from <= relative.size();) {
    const auto slash = std::min(relative.find('/', from), relative.size());
    parts.emplace_back(relative.substr(from, slash - from));
    from = slash + 1;
  }
  return parts;
}

std::string shown_path(const std::vector<std::string>& parts, std::size_t count) {
  std::string shown;
  for (std::size_t i = 0; i < count; ++i) shown += (i ? "/" : "") + parts[i];
  return shown;
}

// The folder made of the first `count` components, opened one at a time from
// the held source folder; made when missing if `create`.
struct Folder {
  Fd fd;
  Failure problem;
};

Folder open_folder(const SourceDir& source, const std::vector<std::string>& parts, std::size_t count, bool create) {
  Fd at(::fcntl(source.fd(), F_DUPFD_CLOEXEC, 0));
  if (!at) return {{}, fail("cannot open the site's folder: " + std::string(std::strerror(errno)), errno)};
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& name = parts[i];
    int fd = ::openat(at.get(), name.c_str(), kFolderFlags);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(at.get(), name.c_str(), 0777) != 0 && errno != EEXIST)
        return {{}, fail("cannot make the folder " + shown_path(parts, i + 1) + ": " + std::strerror(errno), errno)};
      ::fsync(at.get());  // the new folder's name is kept
      fd = ::openat(at.get(), name.c_str(), kFolderFlags);
    }
    if (fd < 0) return {{}, why_not(at.get(), name, shown_path(parts, i + 1), "folder", errno)};
    at = Fd(fd);
  }
  return {std::move(at), {}};
}

// A new temporary file beside `name` in the open folder `parent`.
struct Temp {
  Fd fd;
  std::string name;
};

Temp make_temp(int parent, const std::string& name) {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".portal-%08x%08x", random(), random());
    // Hidden, and short enough for any file name's limit.
    std::string temp = "." + name.substr(0, 200) + suffix;
    const int fd = ::openat(parent, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) return {Fd(fd), std::move(temp)};
    if (errno != EEXIST) break;
  }
  return {};
}

// Puts the written temporary file in `name`'s place within `parent`; errno on failure.
bool put_in_place(int parent, const std::string& temp, const std::string& name, IfExists if_exists) {
  if (if_exists == IfExists::replace) return ::renameat(parent, temp.c_str(), parent, name.c_str()) == 0;
  // A link fails if the name exists, so a file that appeared meanwhile is never replaced.
  if (::linkat(parent, temp.c_str(), parent, name.c_str(), 0) != 0) return false;
  ::unlinkat(parent, temp.c_str(), 0);
  return true;
}

std::string already_exists(const std::string& shown) { return shown + " already exists; it was left as it is"; }

}  // namespace

Done write_atomically(int dir, const std::string& name, std::string_view bytes, const AtomicWrite& how) {
  auto step = [&] {
    if (how.after_step) how.after_step();
  };
  Temp temp = make_temp(dir, name);
  if (!temp.fd) return fail(std::strerror(errno), errno);
  step();
  if (how.mode >= 0) ::fchmod(temp.fd.get(), static_cast<mode_t>(how.mode));  // a save keeps the file's permissions
  bool ok = write_all(temp.fd.get(), bytes) && ::fsync(temp.fd.get()) == 0;
  int error = errno;
  step();
  if (::close(temp.fd.release()) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && !put_in_place(dir, temp.name, name, how.if_exists)) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    ::unlinkat(dir, temp.name.c_str(), 0);
    return fail(std::strerror(error), error);
  }
  step();
  ::fsync(dir);  // the new name is kept
  return {};
}

SourceDir::SourceDir(const fs::path& source) : path_(source) {
  fd_ = ::open(source.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) opened_ = fail("cannot open the site's folder " + source.string() + ": " + std::strerror(errno), errno);
}

SourceDir::~SourceDir() {
  if (fd_ >= 0) ::close(fd_);
}

SourceDir::SourceDir(SourceDir&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), opened_(std::move(other.opened_)), path_(std::move(other.path_)) {}

SourceDir& SourceDir::operator=(SourceDir&& other) noexcept {
  std::swap(fd_, other.fd_);
  std::swap(opened_, other.opened_);
  std::swap(path_, other.path_);
  return *this;
}

Done check_beneath_path(std::string_view relative) {
  if (relative.empty()) return fail("no file was named");
  if (relative.find('\0') != std::string_view::npos) return fail("the path holds a character no file's name has");
  if (relative.front() == '/') return fail(std::string(relative) + " is not a path inside the site's folder");
  for (const auto& part : components(relative))
    if (part.empty() || part == "." || part == "..")
      return fail(std::string(relative) +
                  " is not a plain path inside the site's folder (it has an empty, \".\" or \"..\" part)");
  return {};
}

Result<BeneathFile> read_beneath(const SourceDir& source, std::string_view relative) {
  if (auto path = check_beneath_path(relative); !path) return path.failure();
  const std::string shown(relative);
  const auto parts = components(relative);
  Folder parent = open_folder(source, parts, parts.size() - 1, false);
  if (!parent.fd)
    return parent.problem.missing() ? fail("there is no file " + shown, ENOENT) : std::move(parent.problem);
  const Fd file(::openat(parent.fd.get(), parts.back().c_str(), kFileFlags));
  if (!file) return why_not(parent.fd.get(), parts.back(), shown, "file", errno);
  BeneathFile out;
  if (::fstat(file.get(), &out.info) != 0 || !S_ISREG(out.info.st_mode)) return fail(shown + " is not a file");
  auto bytes = read_all(file.get());
  if (!bytes) return fail("cannot read " + shown + ": " + std::strerror(errno), errno);
  out.bytes = std::move(*bytes);
  return out;
}

Done write_beneath_atomically(const SourceDir& source, std::string_view relative, std::string_view bytes,
                              IfExists if_exists) {
  if (auto path = check_beneath_path(relative); !path) return path;
  const std::string shown(relative);
  const auto parts = components(relative);
  const Folder parent = open_folder(source, parts, parts.size() - 1, false);
  if (!parent.fd) return fail("cannot save " + shown + ": " + parent.problem.message, parent.problem.error_number);
  const int dir = parent.fd.get();
  const std::string& name = parts.back();
  struct stat old {};
  const bool exists = ::fstatat(dir, name.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0;
  if (!exists && errno != ENOENT) return fail("cannot save " + shown + ": " + std::strerror(errno), errno);
  if (exists && S_ISLNK(old.st_mode)) return fail(link_message(shown, "file"));
  if (exists && !S_ISREG(old.st_mode)) return fail(shown + " is not a file, so nothing was written to it");
  if (exists && if_exists == IfExists::refuse) return fail(already_exists(shown), EEXIST);

  const Done written = write_atomically(dir, name, bytes, {if_exists, exists ? int(old.st_mode & 07777) : -1, {}});
  if (written) return written;
  const int error = written.failure().error_number;
  return error == EEXIST ? fail(already_exists(shown), EEXIST)
                         : fail("cannot save " + shown + ": " + written.error(), error);
}

Done remove_beneath(const SourceDir& source, std::string_view relative) {
  if (auto path = check_beneath_path(relative); !path) return path;
  const std::string shown(relative);
  const auto parts = components(relative);
  const Folder parent = open_folder(source, parts, parts.size() - 1, false);
  if (!parent.fd) return fail("cannot remove " + shown + ": " + parent.problem.message, parent.problem.error_number);
  struct stat old {};
  if (::fstatat(parent.fd.get(), parts.back().c_str(), &old, AT_SYMLINK_NOFOLLOW) != 0)
    return fail("cannot remove " + shown + ": " + std::strerror(errno), errno);
  if (!S_ISREG(old.st_mode)) return fail(shown + " is not a file, so it was left as it is");
  if (::unlinkat(parent.fd.get(), parts.back().c_str(), 0) != 0)
    return fail("cannot remove " + shown + ": " + std::strerror(errno), errno);
  ::fsync(parent.fd.get());  // the removal is kept
  return {};
}

Done make_folders_beneath(const SourceDir& source, std::string_view relative) {
  if (auto path = check_beneath_path(relative); !path) return path;
  const auto parts = components(relative);
  const Folder folder = open_folder(source, parts, parts.size(), true);
  if (!folder.fd) return folder.problem;
  return {};
}

}  // namespace portal
