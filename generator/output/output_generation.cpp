// The output's shared steps: the test's stopping points, the hash and the
// record of what a generation holds, and writing to the disk for good.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "files.h"
#include "output_generation.h"

namespace portal {

namespace fs = std::filesystem;

namespace detail {

namespace {

constexpr const char* kWhole = "portal generation 1";

}  // namespace

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

bool can_exchange() {
  static const bool can = std::getenv("PORTAL_TEST_NO_EXCHANGE") == nullptr;
  return can;
}

fs::path record_of(const OutputPaths& paths, const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return {};
  return paths.state / std::to_string(static_cast<std::uint64_t>(st.st_ino));
}

bool read_manifest(const fs::path& record, StagedOutput::Manifest& out) {
  if (record.empty()) return false;
  const auto text = read_file(record);
  return text && parse_manifest(*text, out);
}

bool parse_manifest(std::string_view text, StagedOutput::Manifest& out) {
  const auto status_end = text.find('\n');
  if (status_end == std::string_view::npos || text.substr(0, status_end) != kWhole) return false;
  for (std::size_t at = status_end + 1; at < text.size();) {
    const auto end = text.find('\n', at);
    if (end == std::string_view::npos) return false;
    const std::string line(text.substr(at, end - at));
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

std::int64_t mtime_of(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

bool is_recorded(const struct stat& st, const StagedOutput::Entry& e) {
  return S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_ino) == e.inode &&
         static_cast<std::uint64_t>(st.st_size) == e.size && mtime_of(st) == e.mtime_ns;
}

std::string manifest_text(const StagedOutput::Manifest& made) {
  std::string record = std::string(kWhole) + "\n";
  std::vector<std::pair<std::string, StagedOutput::Entry>> sorted(made.begin(), made.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  char line[96];
  for (const auto& [path, e] : sorted) {
    std::snprintf(line, sizeof line, "%016" PRIx64 " %" PRIu64 " %" PRId64 " %" PRIu64 " ", e.hash, e.size, e.mtime_ns,
                  e.inode);
    record += line + path + "\n";
  }
  return record;
}

bool sync_to_disk(const fs::path& dir, bool whole_file_system) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = (whole_file_system ? ::syncfs(fd) : ::fsync(fd)) == 0;
  const int error = errno;
  ::close(fd);
  errno = error;
  return synced;
}

bool replace_file(const fs::path& path, const std::string& text) {
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  const Done written = write_atomically(dir, path.filename().string(), text, {IfExists::replace, -1, step});
  ::close(dir);
  errno = written ? 0 : written.failure().error_number;
  return written.ok();
}

std::unordered_set<std::string_view> folders_of(const StagedOutput::Manifest& files) {
  std::unordered_set<std::string_view> folders;
  for (const auto& [path, entry] : files)
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      folders.insert(std::string_view(path).substr(0, slash));
  return folders;
}

}  // namespace detail

}  // namespace portal
