// What the parts of the output share: the stopping points a test sets at each
// step that changes the file system, each generation's record of what it
// holds, and writing to the disk for good.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>

#include <sys/stat.h>

#include "output.h"

namespace portal::detail {

// Test-only (tests/interrupt_test.cpp): with PORTAL_TEST_STOP_AFTER_STEP=N the
// process stops itself right after the N-th step that changes the file
// system of the output (a file made, written, linked, renamed, removed), by
// SIGKILL or by the signal PORTAL_TEST_STOP_SIGNAL names (STOP or INT). A
// test so stops a build at every step in turn, without depending on timing.
void step();
// Test-only: PORTAL_TEST_NO_EXCHANGE makes the swap take the three renames of
// a file system that cannot exchange two folders in one step.
bool can_exchange();

// Where what the generation folder `dir` holds is recorded: by the folder's
// inode, which the folder keeps when the two generations change names.
std::filesystem::path record_of(const OutputPaths& paths, const std::filesystem::path& dir);
// Reads a generation's record; false when it has none (its last build did not finish).
bool read_manifest(const std::filesystem::path& record, StagedOutput::Manifest& out);
// What the record `text` lists; false when it is not a whole record.
bool parse_manifest(std::string_view text, StagedOutput::Manifest& out);
// A generation's record as read_manifest() reads it: its first line, then a
// line a file, in order of path.
std::string manifest_text(const StagedOutput::Manifest& made);

// Whether the file `st` describes (by lstat) is the one `e` records: a
// regular file of the same size, modification time and inode.
bool is_recorded(const struct stat& st, const StagedOutput::Entry& e);
// A file's modification time in nanoseconds.
std::int64_t mtime_of(const struct stat& st);

// The threads a generation's folders are walked on (walk_tree's `jobs`):
// the walk waits on the file system more than on a core, and two halve it.
inline constexpr int kWalkThreads = 2;

// The folders the files of `files` are in, every level ("a", "a/b"), as
// views of its paths.
std::unordered_set<std::string_view> folders_of(const StagedOutput::Manifest& files);

// Flushes to the disk what the file system of `dir` holds, and `dir` itself:
// false, with errno, when the disk refuses.
bool sync_to_disk(const std::filesystem::path& dir, bool whole_file_system);
// Writes `text` to `path` whole or not at all (a temporary file renamed over it).
bool replace_file(const std::filesystem::path& path, const std::string& text);

}  // namespace portal::detail
