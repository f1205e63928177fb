#include "output.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "interrupt.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

// Test-only (tests/interrupt_test.cpp): with PORTAL_TEST_STOP_AFTER_STEP=N the
// process stops itself right after the N-th step that changes the file
// system of the output (a file made, written, linked, renamed, removed), by
// SIGKILL or by the signal PORTAL_TEST_STOP_SIGNAL names (STOP or INT). A
// test so stops a build at every step in turn, without depending on timing.
void step() {
  static const long stop_at = [] {
    const char* n = std::getenv("PORTAL_TEST_STOP_AFTER_STEP");
    return n ? std::atol(n) : 0L;
  }();
  if (stop_at <= 0) return;
  static const int signal = [] {
    const std::string name = std::getenv("PORTAL_TEST_STOP_SIGNAL") ? std::getenv("PORTAL_TEST_STOP_SIGNAL") : "";
    return name == "STOP" ? SIGSTOP : name == "INT" ? SIGINT : SIGKILL;
  }();
  static std::atomic<long> done{0};
  const int saved = errno;  // a failure is reported after its step
  if (done.fetch_add(1) + 1 == stop_at) ::raise(signal);
  errno = saved;
}

// Test-only: PORTAL_TEST_NO_EXCHANGE makes the swap take the three renames of
// a file system that cannot exchange two folders in one step.
bool can_exchange() {
  static const bool can = std::getenv("PORTAL_TEST_NO_EXCHANGE") == nullptr;
  return can;
}

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

std::int64_t mtime_of(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

StagedOutput::Entry entry_of(const struct stat& st, std::uint64_t hash) {
  return {hash, static_cast<std::uint64_t>(st.st_size), mtime_of(st), static_cast<std::uint64_t>(st.st_ino)};
}

// Whether the file at `path` is still the one `e` records (nobody changed it since).
bool still(const fs::path& path, const StagedOutput::Entry& e, struct stat& st) {
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_ino) == e.inode &&
         static_cast<std::uint64_t>(st.st_size) == e.size && mtime_of(st) == e.mtime_ns;
}

constexpr const char* kMarkerText = "This folder is made by `portal build`; each build brings it up to date.\n";
constexpr const char* kWhole = "portal generation 1";

// Where what the generation folder `dir` holds is recorded: by the folder's
// inode, which the folder keeps when the two generations change names.
fs::path record_of(const OutputPaths& paths, const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return {};
  return paths.state / std::to_string(static_cast<std::uint64_t>(st.st_ino));
}

// Reads a generation's record; false when it has none (its last build did not finish).
bool read_manifest(const fs::path& record, StagedOutput::Manifest& out) {
  if (record.empty()) return false;
  const auto text = read_file(record);
  if (!text) return false;
  const auto status_end = text->find('\n');
  if (status_end == std::string::npos || text->compare(0, status_end, kWhole) != 0) return false;
  for (std::size_t at = status_end + 1; at < text->size();) {
    const auto end = text->find('\n', at);
    if (end == std::string::npos) return false;
    const std::string line = text->substr(at, end - at);
    at = end + 1;
    StagedOutput::Entry e;
    unsigned long long hash = 0, size = 0, inode = 0;
    long long mtime = 0;
    int consumed = 0;
    if (std::sscanf(line.c_str(), "%llx %llu %lld %llu %n", &hash, &size, &mtime, &inode, &consumed) != 4 ||
        consumed <= 0)
      return false;
    e.hash = hash;
    e.size = size;
    e.mtime_ns = mtime;
    e.inode = inode;
    out.emplace(line.substr(static_cast<std::size_t>(consumed)), e);
  }
  return true;
}

// Flushes to the disk what the file system of `dir` holds, and `dir` itself:
// false, with errno, when the disk refuses.
bool sync_to_disk(const fs::path& dir, bool whole_file_system) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = (whole_file_system ? ::syncfs(fd) : ::fsync(fd)) == 0;
  const int error = errno;
  ::close(fd);
  errno = error;
  return synced;
}

// Writes `text` to `path` whole or not at all (a temporary file renamed over it).
bool replace_file(const fs::path& path, const std::string& text) {
  const fs::path temp = path.string() + ".portal-tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  step();
  const bool written = write_all(fd, text) && ::fsync(fd) == 0;
  step();
  const bool closed = ::close(fd) == 0;
  const bool renamed = written && closed && ::rename(temp.c_str(), path.c_str()) == 0;
  step();
  return renamed;
}

}  // namespace

std::uint64_t content_hash(std::string_view bytes) {
  // MurmurHash64A's mixing, eight bytes at a time.
  constexpr std::uint64_t m = 0xc6a4a7935bd1e995ull;
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ (bytes.size() * m);
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t k;
    std::memcpy(&k, p, 8);
    k *= m;
    k ^= k >> 47;
    k *= m;
    h ^= k;
    h *= m;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  if (n > 0) {
    h ^= tail;
    h *= m;
  }
  h ^= h >> 47;
  h *= m;
  h ^= h >> 47;
  return h;
}

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
  next = parent / ("." + name + ".next");
  previous = parent / ("." + name + ".previous");
  state = parent / ("." + name + ".state");
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
  if (::ftruncate(fd, 0) == 0) [[maybe_unused]]
    const bool written = write_all(fd, pid);
  return OutputLock(fd);
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

std::string recover_output(const fs::path& output) {
  const OutputPaths paths(output);
  std::error_code ec;
  // Stopped between moving the live generation aside and moving the new one
  // in: the last good output comes back.
  if (!fs::exists(paths.output, ec) && fs::exists(paths.previous / kOutputMarker, ec)) {
    fs::rename(paths.previous, paths.output, ec);
    step();
    if (ec) return "cannot restore " + paths.output.string() + " from " + paths.previous.string() + ": " + ec.message();
  }
  // Stopped after the new generation was in place: the previous one is the other generation again.
  if (fs::exists(paths.previous, ec)) {
    if (!fs::exists(paths.next, ec))
      fs::rename(paths.previous, paths.next, ec);
    else
      fs::remove_all(paths.previous, ec);
    step();
    if (ec) return "cannot put back " + paths.previous.string() + ", left by an earlier build: " + ec.message();
  }
  // The staging folder of portal versions before generations.
  fs::remove_all(paths.output.parent_path() / ("." + paths.output.filename().string() + ".staging"), ec);
  return {};
}

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

void StagedOutput::place(const std::string& path, std::string_view bytes) {
  const fs::path target = paths_.next / fs::path(path);
  const fs::path live_path = paths_.output / fs::path(path);
  const std::uint64_t hash = content_hash(bytes);
  struct stat st {};
  // The live generation holds the same bytes: the generation shares its file
  // (the same inode, so the same modification time), and nothing is written.
  const auto live = live_.find(path);
  if (live != live_.end() && live->second.size == bytes.size() && live->second.hash == hash &&
      still(live_path, live->second, st)) {
    const auto next = next_.find(path);
    struct stat there {};
    const bool shared =
        next != next_.end() && next->second.inode == live->second.inode && still(target, next->second, there);
    bool linked = shared;
    const bool exists = !linked && ::lstat(target.c_str(), &there) == 0;
    // Already the live file, though the generation's record is lost (a build
    // was stopped): nothing to do. A temporary name would stay, as rename()
    // between two names of one file does nothing.
    if (exists && there.st_ino == st.st_ino && there.st_dev == st.st_dev) linked = true;
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
    if (linked) {
      record(path, live->second);
      const std::lock_guard lock(mutex_);
      ++counts_.unchanged;
      return;
    }
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

// Whatever the generation holds that this build did not make goes, with the
// folders left empty: files the build no longer makes, and anything else (a
// stopped build's temporary file, a file put there by hand), whether or not
// the generation's record knew of it. What is swapped in is the build's own
// files and nothing else.
std::string StagedOutput::remove_strays() {
  std::vector<fs::path> files, folders;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(paths_.next, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(paths_.next).generic_string();
    if (it->symlink_status(ec).type() == fs::file_type::directory)
      folders.push_back(it->path());
    else if (!made_.count(rel))
      files.push_back(it->path());
  }
  if (ec) return "cannot read " + paths_.next.string() + ": " + ec.message();
  for (const auto& file : files) {
    if (::unlink(file.c_str()) != 0)
      return "cannot remove " + file.string() + ", which the new build did not make: " + std::strerror(errno);
    step();
    if (next_.count(file.lexically_relative(paths_.next).generic_string())) ++counts_.removed;
  }
  // Deepest first; a folder that holds a file of the build is not empty and stays.
  for (auto it = folders.rbegin(); it != folders.rend(); ++it)
    if (::rmdir(it->c_str()) == 0) step();
  return {};
}

void StagedOutput::write(const std::string& path, std::string_view content) {
  fs::path target;
  if (!prepare(path, target)) return;
  place(path, content);
}

void StagedOutput::copy(const std::string& path, const fs::path& from) {
  fs::path target;
  if (!prepare(path, target)) return;
  const auto bytes = read_file(from);
  if (!bytes) {
    fail("cannot read " + from.string() + ": " + std::strerror(errno));
    return;
  }
  place(path, *bytes);
}

std::string StagedOutput::commit() {
  {
    const std::lock_guard lock(mutex_);
    if (!failure_.empty()) return failure_;
  }
  if (stop_requested()) return "stopped by a signal";
  // The marker, which says whose folder this is, is a file like the others, the same in every build.
  {
    const std::lock_guard lock(mutex_);
    made_.emplace(kOutputMarker, Entry{});
  }
  const OutputCounts files = counts();
  place(kOutputMarker, kMarkerText);
  {
    const std::lock_guard lock(mutex_);
    counts_ = files;  // the marker is no file of the site
    if (!failure_.empty()) return failure_;
  }
  if (auto error = remove_strays(); !error.empty()) return error;
  if (auto error = write_record(); !error.empty()) return error;
  return swap_in();
}

std::string StagedOutput::write_record() {
  std::string record = std::string(kWhole) + "\n";
  std::vector<std::pair<std::string, Entry>> sorted(made_.begin(), made_.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  char line[96];
  for (const auto& [path, e] : sorted) {
    std::snprintf(line, sizeof line, "%016" PRIx64 " %" PRIu64 " %" PRId64 " %" PRIu64 " ", e.hash, e.size, e.mtime_ns,
                  e.inode);
    record += line + path + "\n";
  }
  // The generation's files reach the disk before the record that vouches for
  // them and the swap that shows them: after a power cut the output is one
  // whole build, never one with files of no length.
  if (!sync_to_disk(paths_.next, true))
    return "cannot save the new build in " + paths_.next.string() + " to the disk: " + std::strerror(errno);
  const fs::path record_path = record_of(paths_, paths_.next);
  if (!replace_file(record_path, record) || !sync_to_disk(paths_.state, false))
    return "cannot write " + record_path.string() + ": " + std::strerror(errno);
  // Only the two generations' records are kept.
  std::error_code ec;
  const fs::path live_record = record_of(paths_, paths_.output);
  for (const auto& entry : fs::directory_iterator(paths_.state, ec))
    if (entry.path() != record_path && entry.path() != live_record && fs::remove(entry.path(), ec)) step();
  return {};
}

std::string StagedOutput::swap_in() {
  std::error_code ec;
  const fs::path parent = paths_.output.parent_path();
  if (!fs::exists(paths_.output, ec)) {
    fs::rename(paths_.next, paths_.output, ec);
    step();
    if (ec) return "cannot move the new output into place: " + ec.message();
  } else if (can_exchange() &&
             ::renameat2(AT_FDCWD, paths_.next.c_str(), AT_FDCWD, paths_.output.c_str(), RENAME_EXCHANGE) == 0) {
    // One atomic step where the file system has it: the two generations
    // change places, and the output folder never goes missing.
    step();
  } else {
    if (can_exchange() && errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
      return "cannot move the new output into place: " + std::string(std::strerror(errno));
    // Elsewhere, three renames; recover_output() mends a stop between them.
    fs::rename(paths_.output, paths_.previous, ec);
    step();
    if (ec) return "cannot move the previous output aside: " + ec.message();
    fs::rename(paths_.next, paths_.output, ec);
    step();
    if (ec) {
      const std::string err = "cannot move the new output into place: " + ec.message();
      fs::rename(paths_.previous, paths_.output, ec);
      return err;
    }
    fs::rename(paths_.previous, paths_.next, ec);
    step();
  }
  // The swap itself on the disk; should this fail, the new output is in
  // place all the same, and a power cut would at worst bring back the last.
  sync_to_disk(parent, false);
  return {};
}

}  // namespace portal
