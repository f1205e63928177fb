// A build's generation made the output: what the build did not make removed,
// its record written, and the two generations swapped.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>

#include "files.h"
#include "interrupt.h"
#include "output.h"
#include "output_generation.h"

namespace portal {

namespace fs = std::filesystem;

using detail::can_exchange;
using detail::manifest_text;
using detail::record_of;
using detail::replace_file;
using detail::step;
using detail::sync_to_disk;

namespace {

constexpr const char* kMarkerText = "This folder is made by `portal build`; each build brings it up to date.\n";

}  // namespace

// Whatever the generation holds that this build did not make goes, with the
// folders left empty: files the build no longer makes, and anything else (a
// stopped build's temporary file, a file put there by hand), whether or not
// the generation's record knew of it. What is swapped in is the build's own
// files and nothing else.
Done StagedOutput::remove_strays() {
  // The folders the build's files are in: they stay, and only the others may be left empty.
  const auto needed = detail::folders_of(made_);
  std::vector<std::string> files, folders;
  std::mutex found;
  std::string unreadable;
  const bool whole = walk_tree(
      paths_.next,
      [&](std::string_view name, const struct stat& st) {
        std::string relative(name);
        if (S_ISDIR(st.st_mode) ? needed.count(name) : made_.count(relative)) return true;
        const std::lock_guard lock(found);
        (S_ISDIR(st.st_mode) ? folders : files).push_back(std::move(relative));
        return true;
      },
      &unreadable, detail::kWalkThreads);
  if (!whole) return portal::fail("cannot read " + unreadable + ", to remove what the new build did not make");
  // Found on several threads: in order, so that each folder comes before what it holds.
  std::sort(files.begin(), files.end());
  std::sort(folders.begin(), folders.end());
  for (const auto& file : files) {
    const fs::path path = paths_.next / file;
    if (::unlink(path.c_str()) != 0)
      return portal::fail("cannot remove " + path.string() +
                          ", which the new build did not make: " + std::strerror(errno));
    step();
    if (next_.count(file)) ++counts_.removed;
  }
  // Deepest first: each is empty once what it held is gone.
  for (auto it = folders.rbegin(); it != folders.rend(); ++it)
    if (::rmdir((paths_.next / *it).c_str()) == 0) step();
  return {};
}

Done StagedOutput::commit() {
  {
    const std::lock_guard lock(mutex_);
    if (!failure_.empty()) return portal::fail(failure_);
  }
  if (stop_requested()) return portal::fail("stopped by a signal");
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
    if (!failure_.empty()) return portal::fail(failure_);
  }
  if (auto removed = remove_strays(); !removed) return removed;
  if (auto recorded = write_record(); !recorded) return recorded;
  return swap_in();
}

Done StagedOutput::write_record() {
  const std::string record = manifest_text(made_);
  // The generation's files reach the disk before the record that vouches for
  // them and the swap that shows them: after a power cut the output is one
  // whole build, never one with files of no length.
  if (!sync_to_disk(paths_.next, true))
    return portal::fail("cannot save the new build in " + paths_.next.string() +
                        " to the disk: " + std::strerror(errno));
  const fs::path record_path = record_of(paths_, paths_.next);
  if (!replace_file(record_path, record) || !sync_to_disk(paths_.state, false))
    return portal::fail("cannot write " + record_path.string() + ": " + std::strerror(errno));
  // Only the two generations' records are kept, the build's state, its texts and its history.
  std::error_code ec;
  std::vector<fs::path> kept = {record_path, record_of(paths_, paths_.output), build_state_file(paths_.output),
                                history_store_file(paths_.output)};
  for (std::size_t which = 0; which < kBodyStoreFiles; ++which) kept.push_back(body_store_file(paths_.output, which));
  for (const auto& entry : fs::directory_iterator(paths_.state, ec))
    if (std::find(kept.begin(), kept.end(), entry.path()) == kept.end() && fs::remove(entry.path(), ec)) step();
  return {};
}

Done StagedOutput::swap_in() {
  std::error_code ec;
  const fs::path parent = paths_.output.parent_path();
  if (!fs::exists(paths_.output, ec)) {
    fs::rename(paths_.next, paths_.output, ec);
    step();
    if (ec) return portal::fail("cannot move the new output into place: " + ec.message());
  } else if (can_exchange() &&
             ::renameat2(AT_FDCWD, paths_.next.c_str(), AT_FDCWD, paths_.output.c_str(), RENAME_EXCHANGE) == 0) {
    // One atomic step where the file system has it: the two generations
    // change places, and the output folder never goes missing.
    step();
  } else {
    if (can_exchange() && errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
      return portal::fail("cannot move the new output into place: " + std::string(std::strerror(errno)));
    // Elsewhere, three renames; recover_output() mends a stop between them.
    fs::rename(paths_.output, paths_.previous, ec);
    step();
    if (ec) return portal::fail("cannot move the previous output aside: " + ec.message());
    fs::rename(paths_.next, paths_.output, ec);
    step();
    if (ec) {
      Failure failure = portal::fail("cannot move the new output into place: " + ec.message());
      fs::rename(paths_.previous, paths_.output, ec);
      return failure;
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
