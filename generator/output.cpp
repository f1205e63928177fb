#include "output.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

#include <cstdio>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "files.h"
#include "interrupt.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

fs::path absolute_normal(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return abs.lexically_normal();
}

bool is_within(const fs::path& inner, const fs::path& outer) {
  const auto rel = inner.lexically_relative(outer);
  return !rel.empty() && *rel.begin() != "..";
}

// A file's path must stay inside the output folder: relative, with no "..".
bool safe_relative(const std::string& path) {
  const fs::path p(path);
  if (path.empty() || p.is_absolute() || p.has_root_name()) return false;
  return std::none_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".." || part == "."; });
}

}  // namespace

std::string validate_output_folder(const fs::path& source, const fs::path& output) {
  const fs::path src = absolute_normal(source);
  const fs::path out = absolute_normal(output);
  if (out == src || is_within(src, out))
    return "the output folder " + output.string() + " would replace the source folder; choose another --output";
  for (const char* protected_dir : {"content", "themes"}) {
    const fs::path dir = src / protected_dir;
    if (out == dir || is_within(out, dir))
      return "the output folder " + output.string() + " lies inside " + protected_dir +
             "/; choose a folder outside content/ and themes/";
  }
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) return "the output path " + output.string() + " exists and is not a folder";
    const bool empty = fs::directory_iterator(out, ec) == fs::directory_iterator();
    if (!empty && !fs::exists(out / kOutputMarker, ec))
      return "the output folder " + output.string() +
             " already holds files that no build made; empty it or choose another --output";
  }
  return {};
}

OutputPaths::OutputPaths(const fs::path& out) : output(absolute_normal(out)) {
  const fs::path parent = output.parent_path();
  const std::string name = output.filename().string();
  staging = parent / ("." + name + ".staging");
  previous = parent / ("." + name + ".previous");
  lock = parent / ("." + name + ".lock");
}

std::optional<OutputLock> OutputLock::acquire(const fs::path& output,
                                              const std::function<void(const std::string&)>& waiting,
                                              std::string& error) {
  const OutputPaths paths(output);
  std::error_code ec;
  fs::create_directories(paths.output.parent_path(), ec);
  const int fd = ::open(paths.lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create the lock " + paths.lock.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      error = "cannot lock " + paths.lock.string() + ": " + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    std::string holder = read_file(paths.lock).value_or("");
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    if (waiting)
      waiting("another build" + (holder.empty() ? std::string() : " (process " + holder + ")") + " is writing " +
              paths.output.string() + "; waiting for it to finish");
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno == EINTR && !stop_requested()) continue;
      error = errno == EINTR ? "stopped while waiting for another build to finish"
                             : "cannot lock " + paths.lock.string() + ": " + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
  }
  // Who holds it, for whoever waits.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) [[maybe_unused]] const bool written = write_all(fd, pid);
  return OutputLock(fd);
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

std::string recover_output(const fs::path& output) {
  const OutputPaths paths(output);
  std::error_code ec;
  // Stopped between moving the last output aside and moving the new one in:
  // the last good output comes back (the new one, unfinished or not, goes).
  if (!fs::exists(paths.output, ec) && fs::exists(paths.previous / kOutputMarker, ec)) {
    fs::rename(paths.previous, paths.output, ec);
    if (ec) return "cannot restore " + paths.output.string() + " from " + paths.previous.string() + ": " + ec.message();
  }
  fs::remove_all(paths.staging, ec);
  if (ec) return "cannot remove " + paths.staging.string() + ", left by an earlier build: " + ec.message();
  fs::remove_all(paths.previous, ec);
  if (ec) return "cannot remove " + paths.previous.string() + ", left by an earlier build: " + ec.message();
  return {};
}

StagedOutput::StagedOutput(const fs::path& output) : paths_of_(output) {
  output_ = paths_of_.output;
  staging_ = paths_of_.staging;
  previous_ = paths_of_.previous;
  std::error_code ec;
  fs::create_directories(output_.parent_path(), ec);
  if (ec) {
    fail("cannot create " + output_.parent_path().string() + ": " + ec.message());
    return;
  }
  fs::remove_all(staging_, ec);
  fs::create_directory(staging_, ec);
  if (ec) fail("cannot create " + staging_.string() + ": " + ec.message());
}

StagedOutput::~StagedOutput() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
}

void StagedOutput::fail(std::string message) {
  const std::lock_guard lock(mutex_);
  if (failure_.empty()) failure_ = std::move(message);
}

// Checks the path, makes its folders, and gives where to write it; false
// (with the failure kept) when it must not be written.
bool StagedOutput::prepare(const std::string& path, fs::path& target) {
  if (stop_requested()) {
    fail("stopped by a signal");
    return false;
  }
  if (!safe_relative(path)) {
    fail("refusing to write " + path + " outside the output folder");
    return false;
  }
  std::vector<std::string_view> missing;  // folders to make, deepest first
  {
    const std::lock_guard lock(mutex_);
    if (!failure_.empty()) return false;
    if (!paths_.insert(path).second) {
      failure_ = "two files of the build have the same path: " + path;
      return false;
    }
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1)) {
      const std::string_view dir(path.data(), slash);
      if (folders_.contains(dir)) break;
      missing.push_back(dir);
    }
  }
  // Parents first. Another thread may be making the same folder: that is fine.
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    std::error_code ec;
    const fs::path dir = staging_ / fs::path(*it);
    fs::create_directory(dir, ec);
    if (ec) {
      fail("cannot create " + dir.string() + ": " + ec.message());
      return false;
    }
  }
  if (!missing.empty()) {
    const std::lock_guard lock(mutex_);
    for (const auto dir : missing) folders_.emplace(dir);
  }
  target = staging_ / fs::path(path);
  return true;
}

void StagedOutput::write_file(const std::string& path, const fs::path& target,
                              const std::function<std::string(int, const std::string&)>& fill) {
  const std::string cannot = "cannot write " + path + " of the new build in " + staging_.string() + ": ";
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    fail(cannot + std::strerror(errno));
    return;
  }
  if (std::string problem = fill(fd, cannot); !problem.empty()) {
    ::close(fd);
    fail(std::move(problem));
    return;
  }
  // A full disk may show only when the file is closed.
  if (::close(fd) != 0) fail(cannot + std::strerror(errno));
}

void StagedOutput::write(const std::string& path, std::string_view content) {
  fs::path target;
  if (!prepare(path, target)) return;
  write_file(path, target, [&](int fd, const std::string& cannot) {
    return write_all(fd, content) ? std::string() : cannot + std::strerror(errno);
  });
}

void StagedOutput::copy(const std::string& path, const fs::path& from) {
  fs::path target;
  if (!prepare(path, target)) return;
  write_file(path, target, [&](int fd, const std::string& cannot) {
    switch (copy_into(from, fd)) {
      case CopyFailure::none: return std::string();
      case CopyFailure::read: return "cannot read " + from.string() + ": " + std::strerror(errno);
      case CopyFailure::write: break;
    }
    return cannot + std::strerror(errno);
  });
}

std::string StagedOutput::commit() {
  write(kOutputMarker, "This folder is made by `portal build`; it is replaced whole by each build.\n");
  {
    const std::lock_guard lock(mutex_);
    if (!failure_.empty()) return failure_;
  }
  if (stop_requested()) return "stopped by a signal";
  std::error_code ec;
  const bool had_output = fs::exists(output_, ec);
  if (had_output) {
    // One atomic step where the file system has it: the new build and the
    // previous one change places, and the output folder never goes missing.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, output_.c_str(), RENAME_EXCHANGE) == 0) {
      committed_ = true;
      fs::remove_all(staging_, ec);  // now the previous build
      return {};
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
      return "cannot move the new output into place: " + std::string(std::strerror(errno));
    // Elsewhere, two renames; recover_output() mends a stop between them.
    fs::rename(output_, previous_, ec);
    if (ec) return "cannot move the previous output aside: " + ec.message();
  }
  fs::rename(staging_, output_, ec);
  if (ec) {
    const std::string err = "cannot move the new output into place: " + ec.message();
    if (had_output) fs::rename(previous_, output_, ec);
    return err;
  }
  committed_ = true;
  fs::remove_all(previous_, ec);
  return {};
}

}  // namespace portal
