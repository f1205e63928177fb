#include "raw_http.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace portal::test {

namespace {

// A stream socket of `family` whose reads wait 60 s at most, as a safety net only.
int patient_socket(int family) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  timeval patience{60, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  return fd;
}

// Sends `request` on the connection `fd`, returns the whole answer and closes it.
std::string exchange_on(int fd, const std::string& request) {
  send_all(fd, request);
  std::string answer = read_to_end(fd);
  ::close(fd);
  return answer;
}

}  // namespace

// A TCP connection to a server on this computer.
int connect_to(int port) {
  const int fd = patient_socket(AF_INET);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

void send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the server closed its side: what it answered is still there to read
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Everything the server sends until it closes its side (the preview does after every answer).
std::string read_to_end(int fd) {
  std::string all;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return all;
    all.append(buffer, static_cast<std::size_t>(n));
  }
}

// Sends `request` on a new connection and returns the whole answer.
std::string exchange(int port, const std::string& request) { return exchange_on(connect_to(port), request); }

std::string exchange_unix(const std::string& path, const std::string& request) {
  const int fd = patient_socket(AF_UNIX);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof addr.sun_path);
  path.copy(addr.sun_path, path.size());
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return exchange_on(fd, request);
}

}  // namespace portal::test
