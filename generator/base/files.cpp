#include "files.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <vector>

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parallel.h"

namespace portal {

std::optional<std::string> read_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto bytes = read_all(fd);
  ::close(fd);
  return bytes;
}

std::optional<std::string> read_all(int fd) {
  // Straight into a string of the file's size: no stream buffers between.
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  // One byte more than the size, so that the read meeting the end of the
  // file has room and nothing is moved; more if the file grows meanwhile.
  std::string bytes(static_cast<std::size_t>(info.st_size) + 1, '\0');
  std::size_t done = 0;
  for (;;) {
    const auto n = read_up_to(fd, bytes.data() + done, bytes.size() - done);
    if (!n) return std::nullopt;
    done += *n;
    if (done < bytes.size()) break;  // the end of the file
    bytes.resize(bytes.size() * 2);
  }
  bytes.resize(done);
  return bytes;
}

std::string file_identity(const struct stat& info) {
  auto nanoseconds = [](const struct timespec& t) {
    return std::to_string(static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec);
  };
  return std::to_string(info.st_size) + ' ' + nanoseconds(info.st_mtim) + ' ' + nanoseconds(info.st_ctim) + ' ' +
         std::to_string(info.st_dev) + ' ' + std::to_string(info.st_ino);
}

std::optional<std::size_t> read_regular_file(const std::filesystem::path& path, std::size_t largest,
                                             const std::function<char*(std::size_t size)>& place,
                                             std::string* identity) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<std::size_t> read;
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && static_cast<std::uintmax_t>(info.st_size) <= largest) {
    const auto size = static_cast<std::size_t>(info.st_size);
    if (char* into = place(size)) read = read_up_to(fd, into, size);
    if (read && *read != size) read.reset();
    if (read && identity) *identity = file_identity(info);
  }
  ::close(fd);
  return read;
}

bool replace_file_unsynced(const std::filesystem::path& file, const std::function<bool(int fd)>& fill) {
  const std::filesystem::path temporary = file.string() + ".new";
  std::error_code ec;
  std::filesystem::remove(temporary, ec);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = fill(fd);
  ok = ::close(fd) == 0 && ok;
  ok = ok && ::rename(temporary.c_str(), file.c_str()) == 0;
  if (!ok) std::filesystem::remove(temporary, ec);
  return ok;
}

std::optional<std::size_t> read_up_to(int fd, char* into, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, into + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

CopyFailure copy_into(const std::filesystem::path& from, int fd) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return CopyFailure::read;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(in);
      errno = error;
      return CopyFailure::read;
    }
    if (n == 0) break;
    if (!write_all(fd, std::string_view(buffer, static_cast<std::size_t>(n)))) {
      const int error = errno;
      ::close(in);
      errno = error;
      return CopyFailure::write;
    }
  }
  ::close(in);
  return CopyFailure::none;
}

bool write_all(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

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

std::string content_hash_hex(std::string_view bytes) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(content_hash(bytes)));
  return hex;
}

namespace {

// What the walk under way reports to: nftw takes no argument of ours.
struct Walk {
  const std::function<bool(std::string_view, const struct stat&)>* visit = nullptr;
  std::size_t root_length = 0;
  std::string unreadable;     // what could not be read, and why
  std::exception_ptr thrown;  // by `visit`, given back once nftw has closed its folders
  // With `split`: the folders this far down are visited, kept here, and not entered.
  int split = 0;
  std::vector<std::string>* deferred = nullptr;
};
thread_local Walk* current_walk = nullptr;

int visit_entry(const char* path, const struct stat* st, int type, struct FTW* at) {
  Walk& walk = *current_walk;
  if (type == FTW_DNR || type == FTW_NS) {
    walk.unreadable = std::string(path) + ": " + std::strerror(errno);
    return FTW_STOP;
  }
  if (at->level == 0) {
    if (type == FTW_D) return FTW_CONTINUE;
    walk.unreadable = std::string(path) + ": not a folder";  // never the folder a link points to
    return FTW_STOP;
  }
  try {
    if (!(*walk.visit)(std::string_view(path).substr(walk.root_length + 1), *st)) return FTW_STOP;
  } catch (...) {
    walk.thrown = std::current_exception();
    return FTW_STOP;
  }
  if (walk.deferred && type == FTW_D && at->level == walk.split) {
    walk.deferred->emplace_back(path);
    return FTW_SKIP_SUBTREE;
  }
  return FTW_CONTINUE;
}

// One nftw walk of `folder` (`root` or a folder under it), named relative to
// `root` (of `root_length` characters), on this thread.
bool walk_one(const std::string& folder, std::size_t root_length, Walk& walk) {
  struct Current {
    Walk* outer;
    explicit Current(Walk* walk) : outer(current_walk) { current_walk = walk; }
    ~Current() { current_walk = outer; }
    Current(const Current&) = delete;
    Current& operator=(const Current&) = delete;
  } current(&walk);
  walk.root_length = root_length;
  const int result = ::nftw(folder.c_str(), visit_entry, 32, FTW_PHYS | FTW_ACTIONRETVAL);
  if (result == -1 && walk.unreadable.empty()) walk.unreadable = folder + ": " + std::strerror(errno);
  return result == 0 && walk.unreadable.empty() && !walk.thrown;
}

// The folders two levels down, each walked on one of `jobs` threads once
// the levels above are; after the first failure no other folder is begun
// (those begun are walked to their end), and a throw outranks a stop.
bool walk_split(const std::string& top, Walk& walk, int jobs) {
  std::vector<std::string> deferred;
  walk.split = 2;
  walk.deferred = &deferred;
  if (!walk_one(top, top.size(), walk)) return false;
  std::atomic<bool> failed{false};
  std::mutex mutex;
  parallel_for(deferred.size(), jobs, [&](std::size_t i) {
    if (failed) return;
    Walk part{walk.visit, 0, {}, nullptr, 0, nullptr};
    try {  // on a thread of the pool, a throw would end the program
      if (walk_one(deferred[i], top.size(), part)) return;
    } catch (...) {
      part.thrown = std::current_exception();
    }
    const std::lock_guard lock(mutex);
    if (part.thrown && !walk.thrown) walk.thrown = part.thrown;
    if (failed.exchange(true)) return;
    walk.unreadable = std::move(part.unreadable);
  });
  return !failed;
}

}  // namespace

bool walk_tree(const std::filesystem::path& root,
               const std::function<bool(std::string_view relative, const struct stat& st)>& visit, std::string* why,
               int jobs) {
  std::string top = root.native();
  while (top.size() > 1 && top.back() == '/') top.pop_back();
  Walk walk{&visit, top.size(), {}, nullptr, 0, nullptr};
  bool whole = false;
  if (top.empty() || top == "/")
    walk.unreadable = "the whole file system is never walked";
  else
    whole = jobs > 1 ? walk_split(top, walk, jobs) : walk_one(top, top.size(), walk);
  if (walk.thrown) std::rethrow_exception(walk.thrown);
  if (why) *why = walk.unreadable;
  return whole && walk.unreadable.empty();
}

}  // namespace portal
