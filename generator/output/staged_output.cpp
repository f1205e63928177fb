// A build's files brought into the other generation as they come: each
// file's folders made, then the file shared with the live generation when its
// bytes are the same, else written.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "interrupt.h"
#include "output.h"
#include "output_generation.h"

namespace portal {

namespace fs = std::filesystem;

using detail::mtime_of;
using detail::read_manifest;
using detail::record_of;
using detail::step;

namespace {

// A file's path must stay inside the output folder: relative, with no "..".
bool safe_relative(const std::string& path) {
  const fs::path p(path);
  if (path.empty() || p.is_absolute() || p.has_root_name()) return false;
  return std::none_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".." || part == "."; });
}

StagedOutput::Entry entry_of(const struct stat& st, std::uint64_t hash) {
  return {hash, static_cast<std::uint64_t>(st.st_size), mtime_of(st), static_cast<std::uint64_t>(st.st_ino)};
}

// Whether the file at `path` is still the one `e` records (nobody changed it since).
bool still(const fs::path& path, const StagedOutput::Entry& e, struct stat& st) {
  return ::lstat(path.c_str(), &st) == 0 && detail::is_recorded(st, e);
}

}  // namespace

StagedOutput::StagedOutput(const fs::path& output) : paths_(output) {
  std::error_code ec;
  fs::create_directories(paths_.output.parent_path(), ec);
  if (ec) {
    fail("cannot create " + paths_.output.parent_path().string() + ": " + ec.message());
    return;
  }
  if (fs::create_directories(paths_.state, ec)) step();
  if (!read_manifest(record_of(paths_, paths_.output), live_)) live_.clear();
  if (fs::is_directory(paths_.next, ec)) {
    if (!read_manifest(record_of(paths_, paths_.next), next_)) {
      // An unfinished or unknown generation: every file in it is of unknown
      // content, to be replaced or removed.
      next_.clear();
      for (fs::recursive_directory_iterator it(paths_.next, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string rel = it->path().lexically_relative(paths_.next).generic_string();
        if (it->is_directory(ec))
          folders_.insert(rel);
        else
          next_.emplace(rel, Entry{0, ~std::uint64_t{0}, 0, 0});
      }
    } else {
      for (const auto& [path, e] : next_)
        for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1))
          folders_.emplace(path.substr(0, slash));
    }
  } else {
    fs::create_directory(paths_.next, ec);
    step();
    if (ec) {
      fail("cannot create " + paths_.next.string() + ": " + ec.message());
      return;
    }
  }
  // Until this build finishes, the generation has no record: a stop leaves it unknown.
  if (::unlink(record_of(paths_, paths_.next).c_str()) == 0) step();
}

StagedOutput::~StagedOutput() = default;

void StagedOutput::fail(std::string message) {
  const std::lock_guard lock(mutex_);
  if (failure_.empty()) failure_ = std::move(message);
}

OutputCounts StagedOutput::counts() const {
  const std::lock_guard lock(mutex_);
  return counts_;
}

// Checks the path, makes its folders in the generation, and gives where to
// put it; false (with the failure kept) when it must not be put.
bool StagedOutput::prepare(const std::string& path, fs::path& target) {
  if (stop_requested()) {
    fail("stopped by a signal");
    return false;
  }
  if (!safe_relative(path) || path == kOutputMarker) {
    fail("refusing to write " + path + " outside the output folder");
    return false;
  }
  std::vector<std::string_view> missing;  // folders to make, deepest first
  {
    const std::lock_guard lock(mutex_);
    if (!failure_.empty()) return false;
    if (made_.count(path)) {
      failure_ = "two files of the build have the same path: " + path;
      return false;
    }
    made_.emplace(path, Entry{});  // claimed
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1)) {
      const std::string_view dir(path.data(), slash);
      if (folders_.contains(dir)) break;
      missing.push_back(dir);
    }
  }
  // Parents first. Another thread may be making the same folder: that is fine.
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    const fs::path dir = paths_.next / fs::path(*it);
    const bool made = ::mkdir(dir.c_str(), 0755) == 0;
    if (made) step();
    if (!made && errno != EEXIST) {
      fail("cannot create " + dir.string() + ": " + std::strerror(errno));
      return false;
    }
  }
  if (!missing.empty()) {
    const std::lock_guard lock(mutex_);
    for (const auto dir : missing) folders_.emplace(dir);
  }
  target = paths_.next / fs::path(path);
  return true;
}

void StagedOutput::record(const std::string& path, const Entry& entry) {
  const std::lock_guard lock(mutex_);
  made_[path] = entry;
}

bool StagedOutput::write_new(const std::string& path, const fs::path& target, std::string_view bytes, Entry& entry) {
  const std::string cannot = "cannot write " + path + " of the new build in " + paths_.next.string() + ": ";
  // A file already there may be a hard link to the live generation's: it is
  // replaced, never written into.
  struct stat st {};
  const bool exists = ::lstat(target.c_str(), &st) == 0;
  const fs::path where = exists ? fs::path(target.string() + ".portal-tmp-" + std::to_string(temp_counter_++)) : target;
  const int fd = ::open(where.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    fail(cannot + std::strerror(errno));
    return false;
  }
  step();
  const bool written = write_all(fd, bytes);
  const int write_error = errno;
  step();
  // A full disk may show only when the file is closed.
  const bool stat_ok = written && ::fstat(fd, &st) == 0;
  if (::close(fd) != 0 || !written || !stat_ok) {
    fail(cannot + std::strerror(written ? errno : write_error));
    if (exists) ::unlink(where.c_str());
    return false;
  }
  if (exists) {
    const bool renamed = ::rename(where.c_str(), target.c_str()) == 0;
    step();
    if (!renamed) {
      fail(cannot + std::strerror(errno));
      ::unlink(where.c_str());
      return false;
    }
  }
  entry = entry_of(st, content_hash(bytes));
  return true;
}

// The live generation's file `live` (found still as recorded, on `device`) becomes the generation's too: the same
// inode, so the same modification time, and nothing is written. False, with nothing recorded, when it cannot be shared.
bool StagedOutput::share_live(const std::string& path, const fs::path& target, const Entry& live,
                              std::uint64_t device) {
  const fs::path live_path = paths_.output / fs::path(path);
  const auto next = next_.find(path);
  struct stat there {};
  bool linked = next != next_.end() && next->second.inode == live.inode && still(target, next->second, there);
  const bool exists = !linked && ::lstat(target.c_str(), &there) == 0;
  // Already the live file, though the generation's record is lost (a build
  // was stopped): nothing to do. A temporary name would stay, as rename()
  // between two names of one file does nothing.
  if (exists && static_cast<std::uint64_t>(there.st_ino) == live.inode &&
      static_cast<std::uint64_t>(there.st_dev) == device)
    linked = true;
  if (!linked) {
    const fs::path where =
        exists ? fs::path(target.string() + ".portal-tmp-" + std::to_string(temp_counter_++)) : target;
    linked = ::link(live_path.c_str(), where.c_str()) == 0;
    step();
    if (linked && exists) {
      linked = ::rename(where.c_str(), target.c_str()) == 0;
      step();
    }
    if (!linked && exists) ::unlink(where.c_str());
  }
  if (!linked) return false;
  record(path, live);
  const std::lock_guard lock(mutex_);
  ++counts_.unchanged;
  return true;
}

void StagedOutput::place(const std::string& path, std::string_view bytes) {
  const fs::path target = paths_.next / fs::path(path);
  const fs::path live_path = paths_.output / fs::path(path);
  const std::uint64_t hash = content_hash(bytes);
  struct stat st {};
  // The live generation holds the same bytes: the generation shares its file.
  const auto live = live_.find(path);
  if (live != live_.end() && live->second.size == bytes.size() && live->second.hash == hash &&
      still(live_path, live->second, st)) {
    if (share_live(path, target, live->second, st.st_dev)) return;
    // No hard links here (another file system, or too many): a copy, with the live file's time.
    Entry e;
    if (!write_new(path, target, bytes, e)) return;
    const timespec times[2] = {{0, UTIME_OMIT}, st.st_mtim};
    ::utimensat(AT_FDCWD, target.c_str(), times, 0);
    step();
    if (::lstat(target.c_str(), &st) == 0) e = entry_of(st, hash);
    record(path, e);
    const std::lock_guard lock(mutex_);
    ++counts_.unchanged;
    return;
  }
  // The generation already holds these bytes from an earlier build, but the
  // live one does not: the file changes for readers, so it is new now.
  const auto next = next_.find(path);
  if (next != next_.end() && next->second.size == bytes.size() && next->second.hash == hash &&
      still(target, next->second, st) && (live == live_.end() || live->second.inode != next->second.inode)) {
    const timespec now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    const bool touched = ::utimensat(AT_FDCWD, target.c_str(), now, 0) == 0;
    step();
    if (touched && ::lstat(target.c_str(), &st) == 0) {
      record(path, entry_of(st, hash));
      const std::lock_guard lock(mutex_);
      ++counts_.written;
      return;
    }
  }
  Entry e;
  if (!write_new(path, target, bytes, e)) return;
  record(path, e);
  const std::lock_guard lock(mutex_);
  ++counts_.written;
}

void StagedOutput::write(const std::string& path, std::string_view content) {
  fs::path target;
  if (!prepare(path, target)) return;
  place(path, content);
}

void StagedOutput::copy(const std::string& path, const fs::path& from) {
  fs::path target;
  if (!prepare(path, target)) return;
  // The live generation's own file (however `from` names it: the same file
  // on the same device), still as its record says: shared without being
  // read (the record holds its hash).
  if (const auto live = live_.find(path); live != live_.end()) {
    struct stat st {
    }, at_live{};
    if (still(from, live->second, st) && still(paths_.output / fs::path(path), live->second, at_live) &&
        st.st_dev == at_live.st_dev && share_live(path, target, live->second, st.st_dev))
      return;
  }
  const auto bytes = read_file(from);
  if (!bytes) {
    fail("cannot read " + from.string() + ": " + std::strerror(errno));
    return;
  }
  place(path, *bytes);
}

bool StagedOutput::hand_on(const std::string& path) {
  const auto live = live_.find(path);
  const fs::path live_path = paths_.output / fs::path(path);
  struct stat st {};
  if (live == live_.end() || !still(live_path, live->second, st)) return false;
  fs::path target;
  if (!prepare(path, target)) return true;  // stopped or failed: commit() says so
  if (share_live(path, target, live->second, st.st_dev)) return true;
  // No hard links here: its bytes, if they are still those recorded.
  const auto bytes = read_file(live_path);
  if (!bytes)
    fail("cannot read " + live_path.string() + ": " + std::strerror(errno));
  else if (content_hash(*bytes) != live->second.hash)
    fail(live_path.string() + " was changed while the build ran; build again");
  else
    place(path, *bytes);
  return true;
}

std::optional<std::vector<std::string>> StagedOutput::live_files_as_recorded(std::string_view folder) const {
  std::vector<std::string> files;
  for (const auto& [path, entry] : live_)
    if (path.starts_with(folder)) {
      struct stat st {};
      if (!still(paths_.output / fs::path(path), entry, st)) return std::nullopt;
      files.push_back(path);
    }
  if (files.empty()) return std::nullopt;  // no record of them
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace portal
