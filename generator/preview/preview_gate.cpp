// The gate's public face: binding its listening socket, and starting,
// stopping and waking its connection loop (gate_loop.h) on a thread of its own.
#include "preview_gate.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gate_loop.h"

namespace portal {

PreviewGate::PreviewGate(GateRoutes routes, GateLimits limits) : routes_(std::move(routes)), limits_(limits) {}

PreviewGate::~PreviewGate() {
  stop();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Done PreviewGate::bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return fail("cannot listen on " + host + ": " + ::gai_strerror(rc));
  int last_error = 0;
  for (addrinfo* a = found; a && listen_fd_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) {
      listen_fd_ = fd;
      sockaddr_storage bound{};
      socklen_t size = sizeof bound;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &size);
      port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                          : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    } else {
      last_error = errno;
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0)
    return fail("cannot listen on " + host + ":" + std::to_string(port) + " (" + std::strerror(last_error) +
                "; is another preview running? try --port 1314)");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return fail(std::string("cannot make the preview's wake-up signal: ") + std::strerror(errno));
  return {};
}

Done PreviewGate::bind_unix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path)
    return fail("the socket's path " + path + " is longer than a Unix socket's path may be");
  path.copy(address.sun_path, path.size());
  struct stat there {};
  if (::lstat(path.c_str(), &there) == 0) {
    if (!S_ISSOCK(there.st_mode)) return fail(path + " is there already and is not a socket: move it away");
    // A socket something still answers on is another server's: never taken from it.
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool answered =
        probe >= 0 && ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    if (probe >= 0) ::close(probe);
    if (answered)
      return fail("another server is listening on " + path + ": stop it first (systemctl stop portal-team)");
    ::unlink(path.c_str());  // left by a server that stopped
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(std::string("cannot make a socket: ") + std::strerror(errno));
  // Made without permissions for anyone, then opened to the owner and group: never briefly open to all.
  const mode_t before = ::umask(0777);
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  const int error = errno;
  ::umask(before);
  if (!bound || ::chmod(path.c_str(), 0660) != 0 || ::listen(fd, 1024) != 0) {
    const int why = bound ? errno : error;
    ::close(fd);
    return fail("cannot listen on " + path + ": " + std::strerror(why));
  }
  listen_fd_ = fd;
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return fail(std::string("cannot make the preview's wake-up signal: ") + std::strerror(errno));
  return {};
}

void PreviewGate::start(std::function<void(const std::string&)> on_error) {
  on_error_ = std::move(on_error);
  thread_ = std::thread([this] { run(); });
}

void PreviewGate::run() {
  std::string failure;
  try {
    gate::Loop loop(routes_, limits_, listen_fd_, wake_fd_, port_, version_, stopping_, buffered_);
    failure = loop.run();
  } catch (const std::exception& e) {
    failure = std::string("the preview's connection loop failed: ") + e.what();
  }
  if (!failure.empty() && on_error_) on_error_(failure);
}

void PreviewGate::stop() {
  stopping_ = true;
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
}

void PreviewGate::set_version(std::uint64_t version) {
  version_ = version;
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  }
}

}  // namespace portal
