// What a build was made from, kept beside the output so that a rebuild from
// the same inputs does no work (docs/incremental.md). A state is trusted only
// when everything it names is as it was: the program, the options, the date,
// the history's HEAD and what is not committed, every file of site.toml,
// content/ and the themes (size and time, else their bytes), and the live
// output itself; any doubt, and the build runs whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "build.h"

namespace portal {

// One file a build reads, as it was when the build began.
struct InputFile {
  std::string path;  // absolute; in a state read back, its hash (a state names no file)
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;  // changed by any write, even one that puts the modification time back
  std::uint64_t hash = 0;     // content_hash of its bytes
};

struct RecordedState;  // a build's state as read back (build_state.cpp)

// Everything a build's output depends on, read before the build reads it.
struct BuildInputs {
  std::string program;  // the executable's and its libraries' file_identity()
  std::string options;  // the source folder and the options that change the output
  std::string today;
  std::string history;                // the hash of history_key()'s key
  std::string head;                   // history_key()'s head: the build's history must be read at it
  std::set<std::string> uncommitted;  // history_key()'s list, for the build's history (never saved)
  std::int64_t started_ns = 0;        // the time the files were read (for files changed in the same tick)
  std::vector<InputFile> files;       // sorted by path
  // False when a folder could not be read, a symbolic link was found, or the
  // program cannot see itself: no state is then saved.
  bool complete = true;
  // What the last build into the output recorded, as read while these inputs
  // were noted (under the output's lock, when the caller holds it); null when
  // there was none, no output was given, or the inputs are not complete.
  std::shared_ptr<const RecordedState> recorded;
};

// A site's site.toml as read once: its settings, nullopt when it cannot be
// read or parsed (the build reports why), and the hash of the bytes parsed.
struct Settings {
  std::optional<SiteConfig> config;
  std::uint64_t hash = 0;
};
Settings read_settings(const std::filesystem::path& source);

// The source folder as a build names the files under it: absolute, links resolved.
std::filesystem::path source_root(const std::filesystem::path& source);

// The executable's and its libraries' file_identity(), taken once a process;
// empty when the program cannot see itself.
const std::string& program_identity();

// The inputs of a build of `options` now, `settings` being its site.toml as
// read: every file listed and hashed on `jobs` threads, while git's status is
// read on another. Incomplete when site.toml is no longer the file `settings`
// was read from. With `output`, a file its last build's state (of this
// program) recorded with the same size and times, not written within a tick
// of that build's start, keeps the hash recorded and is not read. With
// `beside_git`, what to do while git's status is still being read, told
// whether all but that status (the program, options, date and files) is as
// the state recorded.
BuildInputs read_inputs(const BuildOptions& options, const Settings& settings,
                        const std::optional<std::filesystem::path>& output = {},
                        const std::function<void(bool as_recorded)>& beside_git = {});

// Whether `key` (history_key(), read again) is the key `inputs` noted.
bool noted_history(const BuildInputs& inputs, const HistoryKey& key);

// The last build's result, when its state beside `output` says nothing it was
// made from has changed and the output is as it left it; nullopt otherwise.
// Call under the output's lock, the lock `now` was noted under: its state as
// `now` recorded it is the one compared (read again when `now` has none).
// `live_generation`: the output's live_output_fingerprint(), when already
// taken under this lock.
std::optional<BuildResult> unchanged_build(const std::filesystem::path& output, const BuildInputs& now,
                                           const std::string* live_generation = nullptr);

// Records, beside `output`, what a successful build of `options` was made
// from and what it reported, readable by its owner alone. A state that cannot
// be written, or whose inputs changed while the build ran (a file, or HEAD:
// `history_head` is the head of the history the build read), is removed, so
// that none is trusted. With it, `pages`: the key each page was drawn from
// (page_memo.h).
void save_build_state(const BuildOptions& options, const std::filesystem::path& output, const BuildInputs& inputs,
                      const BuildResult& result, const std::string& history_head,
                      const std::unordered_map<std::string, std::uint64_t>& pages = {});

// The key each page of the live output `output` was drawn from, by output
// path, when the state beside it vouches for that output: written by this
// program, for the generation now live (whose files are each checked against
// its record when handed on: StagedOutput::hand_on). Empty otherwise.
std::unordered_map<std::string, std::uint64_t> last_page_keys(const std::filesystem::path& output);

// Removes the state beside `output`: the next build runs whole.
void forget_build_state(const std::filesystem::path& output);

}  // namespace portal
