#include "files.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (done == bytes.size()) bytes.resize(bytes.size() * 2);
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
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

}  // namespace portal
