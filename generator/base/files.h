// Reading files whole, and writing bytes whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <sys/stat.h>

namespace portal {

// The bytes of a file, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& path);

// The bytes of the regular file open at `fd` (which stays open), or nullopt
// when it is not a regular file or cannot be read.
std::optional<std::string> read_all(int fd);

// A file as stat or fstat described it: its size, its times of modification
// and of change (set by any write, even one that puts the modification time
// back), its device and inode. Two files with the same identity are the same
// file, unchanged as far as the file system tells.
std::string file_identity(const struct stat& info);

// Reads the regular file at `path` whole, never through a link (nor from a
// FIFO or a device, which could block), when it holds at most `largest`
// bytes: into the memory `place(size)` gives for them (null: none). How many
// bytes were read, or nullopt when it is no such file or cannot be read whole.
// With `identity`, the file_identity() of the file read.
std::optional<std::size_t> read_regular_file(const std::filesystem::path& path, std::size_t largest,
                                             const std::function<char*(std::size_t size)>& place,
                                             std::string* identity = nullptr);

// Reads from `fd` into `into` until `size` bytes are in or the file ends,
// resuming after signals: how many were read, or nullopt (errno set) on error.
std::optional<std::size_t> read_up_to(int fd, char* into, std::size_t size);

// Writes all of `bytes` to the open descriptor `fd`, resuming after signals;
// false (with errno set) when it cannot.
bool write_all(int fd, std::string_view bytes);

// Writes `file` anew through `fill` (given the open descriptor; false when
// it cannot write): under a temporary name beside it, made for its owner
// alone (0600) and never through a link, then renamed over `file` once
// whole, without waiting for the disk, so a reader finds the old file or the
// new one (after a power cut, perhaps one cut short: the caller checks what
// it reads). False, with nothing left behind, on any failure.
bool replace_file_unsynced(const std::filesystem::path& file, const std::function<bool(int fd)>& fill);

// Copies the bytes of the file `from` to the open descriptor `fd`. On
// failure, which side failed, with errno of the failed call itself (a full
// disk is ENOSPC, "No space left on device", not whatever a library made of it).
enum class CopyFailure { none, read, write };
CopyFailure copy_into(const std::filesystem::path& from, int fd);

// A 64-bit hash of a file's bytes, to tell without reading it again whether
// a file changed.
std::uint64_t content_hash(std::string_view bytes);
// The same hash as 16 hexadecimal digits.
std::string content_hash_hex(std::string_view bytes);

// Visits everything under `root` (not `root` itself) by lstat, never
// following a link: each entry's path relative to `root` and its stat, a
// folder before what it holds. Stops, giving false, when `visit` gives false
// or a folder cannot be read; false too when `root` is not a folder (a link
// to one included); true when everything was visited. With `why`, what
// could not be read and why (empty when `visit` stopped the walk).
// With `jobs` above 1, what is under each folder two levels down is walked
// on one of that many threads, once the levels above are: `visit` is then
// called from several threads at once, each folder still before what it
// holds, but the folders' entries in no order among them.
bool walk_tree(const std::filesystem::path& root,
               const std::function<bool(std::string_view relative, const struct stat& st)>& visit,
               std::string* why = nullptr, int jobs = 1);

}  // namespace portal
