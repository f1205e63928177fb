// Writes a build into the output folder's other generation and swaps the two
// in one step, so a failed or stopped build never shows half a site, and a
// rebuild writes only the files whose bytes changed.
//
// Beside the output folder `public` live `.public.next`, the generation
// before the live one, and `.public.lock`. A build brings `.public.next` up
// to date: a file whose bytes are those of the live generation becomes a hard
// link to the live file (one inode, the same bytes and modification time in
// both), a changed or new file is written (to a temporary name, then renamed
// over), a file the build no longer makes is removed. Then the two folders
// change places at once (renameat2 RENAME_EXCHANGE): readers of `public` see
// the whole previous build or the whole new one. `.public.state/` records
// what each generation holds (a hash, size, time and inode a file), by the
// generation folder's own inode, so that nothing unchanged is read again and
// the output itself holds only the build's files and its marker.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "result.h"

namespace portal {

// A file a stage of the build made: its path and bytes.
struct RenderedFile {
  std::string path;  // output path relative to the output folder: "meetings/2020-03-18/index.html"
  std::string content;
};

struct OutputFile {
  std::string path;                 // relative to the output folder, '/'-separated
  std::string content;              // written as is, unless copy_from is set
  std::filesystem::path copy_from;  // a file copied byte for byte
};

// Name of the file that tells a folder was made by a build, and records what it holds.
inline constexpr const char* kOutputMarker = ".portal-output";

// Refuses an output folder that would overwrite the source: the source folder
// itself, anything inside content/ or themes/, or an existing non-empty folder
// that no build made.
Done validate_output_folder(const std::filesystem::path& source, const std::filesystem::path& output);

// The folders beside the output folder `public`: `.public.next` (the other
// generation), `.public.previous` (for the moment of a swap on a file system
// that cannot exchange two folders in one step), `.public.state` and
// `.public.lock`.
struct OutputPaths {
  explicit OutputPaths(const std::filesystem::path& output);
  std::filesystem::path output, next, previous, state, lock;
};

// The output folder held for one build: a second build into the same folder
// waits until the first is done. On taking it, whatever an interrupted build
// left is put right (see recover_output).
class OutputLock {
 public:
  // `waiting` hears, once, that another build holds the folder. Fails when the
  // lock cannot be made or a stop signal came while waiting.
  static Result<OutputLock> acquire(const std::filesystem::path& output,
                                    const std::function<void(const std::string&)>& waiting);
  OutputLock(OutputLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  OutputLock& operator=(OutputLock&&) = delete;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  ~OutputLock();

 private:
  explicit OutputLock(int fd) : fd_(fd) {}
  int fd_;
};

// Puts right what a build stopped between the renames of a swap left (under
// the lock): a missing output folder comes back from `.previous`, and a
// `.previous` left after the new build was in place becomes `.next` again.
// A failure says what could not be done.
Done recover_output(const std::filesystem::path& output);

// What a commit did to the files, for the person who ran the build.
struct OutputCounts {
  std::size_t written = 0;    // new or changed bytes
  std::size_t unchanged = 0;  // the live generation's file, shared
  std::size_t removed = 0;    // no longer made
};

// A build's files handed over one by one, from any thread, and brought into
// the other generation as they come: pages go to the disk as they are made,
// never all held in memory. Until commit() succeeds the live output is
// untouched; a generation not committed is left for the next build, marked
// unfinished.
class StagedOutput {
 public:
  explicit StagedOutput(const std::filesystem::path& output);
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // Both are safe to call from several threads at once; a failure is kept
  // (the first one) and reported by commit().
  void write(const std::string& path, std::string_view content);
  void copy(const std::string& path, const std::filesystem::path& from);
  // Hands the live generation's file at `path` on to this one, without
  // reading it, when it is still as the live record says (same inode, size and
  // time); false, with nothing done, when it is not or is not recorded.
  bool hand_on(const std::string& path);
  // The live generation's files under `folder` ("search/"), by the live
  // record, when each is still as recorded; nullopt when any is not, or
  // the record lists none.
  [[nodiscard]] std::optional<std::vector<std::string>> live_files_as_recorded(std::string_view folder) const;
  // Removes what the build no longer makes, records the generation and swaps
  // it in. A failure says what went wrong (the live output is then intact).
  Done commit();
  [[nodiscard]] OutputCounts counts() const;

  struct Entry {
    std::uint64_t hash = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t inode = 0;
  };
  using Manifest = std::unordered_map<std::string, Entry>;

 private:
  bool prepare(const std::string& path, std::filesystem::path& target);
  void fail(std::string message);
  void place(const std::string& path, std::string_view bytes);
  bool share_live(const std::string& path, const std::filesystem::path& target, const Entry& live,
                  std::uint64_t device);
  // The bytes of `path` as given, into the generation under a temporary name
  // then renamed over; a failure names the file.
  bool write_new(const std::string& path, const std::filesystem::path& target, std::string_view bytes, Entry& entry);
  void record(const std::string& path, const Entry& entry);
  // Removes from the generation everything this build did not make, and the
  // folders left empty; a failure says what could not be removed.
  Done remove_strays();
  // Records what the generation holds, once it is on the disk.
  Done write_record();
  // Makes the generation the output folder; on a failure the live output is intact.
  Done swap_in();

  OutputPaths paths_;
  Manifest live_;  // what the live generation holds (empty when not known)
  Manifest next_;  // what the other generation held when this build began
  mutable std::mutex mutex_;
  Manifest made_;                               // what this build has brought into the generation
  std::set<std::string, std::less<>> folders_;  // that exist in the generation, '/'-separated
  std::string failure_;
  std::atomic<std::uint64_t> temp_counter_{0};
  OutputCounts counts_;
};

// The file beside `output` where a build records what it was made from
// (pipeline/build_state.h); the generations' records never remove it.
std::filesystem::path build_state_file(const std::filesystem::path& output);
// The files beside it where a build keeps the texts it rendered
// (pipeline/body_store.h), each text in the one its key names, so that a
// rebuild writes again only those whose texts changed; the generations'
// records never remove them either.
inline constexpr std::size_t kBodyStoreFiles = 64;
std::filesystem::path body_store_file(const std::filesystem::path& output, std::size_t which);
// And the one where it keeps the history it read (pipeline/history_store.h).
std::filesystem::path history_store_file(const std::filesystem::path& output);

// The live output folder's generation, as a text: its folder's inode and its
// record's hash, once every file it holds is checked by size, time and inode
// against that record. Empty when the folder is not exactly as its build left
// it (a file changed, added or removed by hand) or has no record.
std::string live_output_fingerprint(const std::filesystem::path& output);
// The same text for the generation a build has just put in place, from its
// record alone: nothing is checked against it, so it names what the build
// wrote, and only a later live_output_fingerprint() says the folder still
// holds it. Empty when there is no readable record.
std::string committed_output_fingerprint(const std::filesystem::path& output);

}  // namespace portal
