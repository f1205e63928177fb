// Writes a build into a staging folder beside the output folder, then swaps it
// in, so a failed build never leaves a half-written site.
#pragma once

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace portal {

struct OutputFile {
  std::string path;                  // relative to the output folder, '/'-separated
  std::string content;               // written as is, unless copy_from is set
  std::filesystem::path copy_from;   // a file copied byte for byte
};

// Name of the marker file that tells a folder was made by a build.
inline constexpr const char* kOutputMarker = ".portal-output";

// Refuses an output folder that would overwrite the source: the source folder
// itself, anything inside content/ or themes/, or an existing non-empty folder
// that no build made. Returns an empty string when the folder is fine.
std::string validate_output_folder(const std::filesystem::path& source, const std::filesystem::path& output);

// The folders a build uses beside its output folder `public`: `.public.staging`
// (the new build, until it is swapped in), `.public.previous` (the build it
// replaces, for the moment of the swap) and `.public.lock`.
struct OutputPaths {
  explicit OutputPaths(const std::filesystem::path& output);
  std::filesystem::path output, staging, previous, lock;
};

// The output folder held for one build: a second build into the same folder
// waits until the first is done. On taking it, whatever an interrupted build
// left is put right (see recover_output).
class OutputLock {
 public:
  // `waiting` hears, once, that another build holds the folder. nullopt, with
  // `error`, when the lock cannot be made or a stop signal came while waiting.
  static std::optional<OutputLock> acquire(const std::filesystem::path& output,
                                           const std::function<void(const std::string&)>& waiting,
                                           std::string& error);
  OutputLock(OutputLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  OutputLock& operator=(OutputLock&&) = delete;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  ~OutputLock();

 private:
  explicit OutputLock(int fd) : fd_(fd) {}
  int fd_;
};

// Puts right what a build stopped at any moment left (under the lock): the
// output folder, if it is missing, is restored from `.previous`; a staging
// folder and a previous folder that is no longer needed are removed.
// Returns an empty string, or what could not be done.
std::string recover_output(const std::filesystem::path& output);

// A build's files written one by one, from any thread, into a staging folder
// beside the output folder, and swapped in by commit(): pages go to the disk
// as they are made, never all held in memory. Until commit() succeeds the
// previous output is untouched; a staging folder not committed is removed.
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
  // Marks the folder as a build's and swaps it in. Returns an empty string on
  // success, else what went wrong (the previous output is then intact).
  std::string commit();

 private:
  bool prepare(const std::string& path, std::filesystem::path& target);
  void fail(std::string message);
  // Opens `target`, lets `fill` write into it (returning what went wrong,
  // given how to begin saying it), closes it; a failure names the file.
  void write_file(const std::string& path, const std::filesystem::path& target,
                  const std::function<std::string(int, const std::string&)>& fill);

  OutputPaths paths_of_;
  std::filesystem::path output_, staging_, previous_;
  mutable std::mutex mutex_;
  std::set<std::string, std::less<>> folders_;  // made so far, relative to staging_, '/'-separated
  std::set<std::string> paths_;              // written so far: each at most once
  std::string failure_;
  bool committed_ = false;
};

}  // namespace portal
