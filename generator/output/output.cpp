// The output folder as a whole: which folder a build may write, its paths
// beside it, the lock a build holds on it, and putting right what a stopped
// swap left.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_set>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "interrupt.h"
#include "output.h"
#include "output_generation.h"

namespace portal {

namespace fs = std::filesystem;

using detail::step;

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

}  // namespace

Done validate_output_folder(const fs::path& source, const fs::path& output) {
  const fs::path src = absolute_normal(source);
  const fs::path out = absolute_normal(output);
  if (out == src || is_within(src, out))
    return portal::fail("the output folder " + output.string() +
                        " would replace the source folder; choose another --output");
  for (const char* protected_dir : {"content", "themes"}) {
    const fs::path dir = src / protected_dir;
    if (out == dir || is_within(out, dir))
      return portal::fail("the output folder " + output.string() + " lies inside " + protected_dir +
                          "/; choose a folder outside content/ and themes/");
  }
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec))
      return portal::fail("the output path " + output.string() + " exists and is not a folder");
    const bool empty = fs::directory_iterator(out, ec) == fs::directory_iterator();
    if (!empty && !fs::exists(out / kOutputMarker, ec))
      return portal::fail("the output folder " + output.string() +
                          " already holds files that no build made; empty it or choose another --output");
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

Result<OutputLock> OutputLock::acquire(const fs::path& output, const std::function<void(const std::string&)>& waiting) {
  const OutputPaths paths(output);
  std::error_code ec;
  fs::create_directories(paths.output.parent_path(), ec);
  const int fd = ::open(paths.lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return portal::fail("cannot create the lock " + paths.lock.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      Failure failure = portal::fail("cannot lock " + paths.lock.string() + ": " + std::strerror(errno));
      ::close(fd);
      return failure;
    }
    std::string holder = read_file(paths.lock).value_or("");
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    if (waiting)
      waiting("another build" + (holder.empty() ? std::string() : " (process " + holder + ")") + " is writing " +
              paths.output.string() + "; waiting for it to finish");
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno == EINTR && !stop_requested()) continue;
      Failure failure =
          portal::fail(errno == EINTR ? "stopped while waiting for another build to finish"
                                      : "cannot lock " + paths.lock.string() + ": " + std::strerror(errno));
      ::close(fd);
      return failure;
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

Done recover_output(const fs::path& output) {
  const OutputPaths paths(output);
  std::error_code ec;
  // Stopped between moving the live generation aside and moving the new one
  // in: the last good output comes back.
  if (!fs::exists(paths.output, ec) && fs::exists(paths.previous / kOutputMarker, ec)) {
    fs::rename(paths.previous, paths.output, ec);
    step();
    if (ec)
      return portal::fail("cannot restore " + paths.output.string() + " from " + paths.previous.string() + ": " +
                          ec.message());
  }
  // Stopped after the new generation was in place: the previous one is the other generation again.
  if (fs::exists(paths.previous, ec)) {
    if (!fs::exists(paths.next, ec))
      fs::rename(paths.previous, paths.next, ec);
    else
      fs::remove_all(paths.previous, ec);
    step();
    if (ec)
      return portal::fail("cannot put back " + paths.previous.string() + ", left by an earlier build: " + ec.message());
  }
  // The staging folder of portal versions before generations.
  fs::remove_all(paths.output.parent_path() / ("." + paths.output.filename().string() + ".staging"), ec);
  return {};
}

fs::path build_state_file(const fs::path& output) { return OutputPaths(output).state / "build"; }

fs::path body_store_file(const fs::path& output, std::size_t which) {
  char name[16];
  std::snprintf(name, sizeof name, "texts.%02zu", which);
  return OutputPaths(output).state / name;
}

fs::path history_store_file(const fs::path& output) { return OutputPaths(output).state / "history"; }

namespace {

// The live generation's record: its file, its text and what it lists.
struct LiveRecord {
  fs::path file;
  std::string text;
  StagedOutput::Manifest made;

  // The generation's fingerprint, from its record's name and bytes.
  [[nodiscard]] std::string fingerprint() const {
    return file.filename().string() + " " + std::to_string(content_hash(text));
  }
};

std::optional<LiveRecord> read_live_record(const fs::path& output) {
  const OutputPaths paths(output);
  LiveRecord record{detail::record_of(paths, paths.output), {}, {}};
  auto text = read_file(record.file);
  if (!text || !detail::parse_manifest(*text, record.made)) return std::nullopt;
  record.text = std::move(*text);
  return record;
}

}  // namespace

std::string committed_output_fingerprint(const fs::path& output) {
  const auto record = read_live_record(output);
  return record ? record->fingerprint() : std::string();
}

std::string live_output_fingerprint(const fs::path& output) {
  const auto record = read_live_record(output);
  if (!record) return {};
  const StagedOutput::Manifest& made = record->made;
  // The folders its files are in: any other (an empty one made by hand) is not the build's.
  const auto folders = detail::folders_of(made);
  std::atomic<std::size_t> seen{0};
  // On threads of its own: a build that changed nothing spends most of its time here.
  const bool whole = walk_tree(
      OutputPaths(output).output,
      [&](std::string_view name, const struct stat& st) {
        if (S_ISDIR(st.st_mode)) return folders.count(name) > 0;
        const auto entry = made.find(std::string(name));
        if (entry == made.end() || !S_ISREG(st.st_mode)) return false;
        const bool marker = entry->first == kOutputMarker;  // recorded without its numbers
        if (!marker && !detail::is_recorded(st, entry->second)) return false;
        ++seen;
        return true;
      },
      nullptr, detail::kWalkThreads);
  if (!whole || seen != made.size()) return {};
  return record->fingerprint();
}

}  // namespace portal
