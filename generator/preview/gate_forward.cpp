// The gate's side of httplib: a whole request handed to it over its Unix
// socket, its answer read back within a buffer's room, and sent on to the
// client, after which the connection lingers until the client has seen the end.
#include "gate_loop.h"

#include <cerrno>
#include <cstring>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace portal::gate {

namespace {

constexpr auto kLingerTime = std::chrono::milliseconds(2000);

}  // namespace

bool Loop::start_forwarding(Connection& c) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, routes_.upstream_socket.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EAGAIN || error == EINTR) return false;  // httplib's backlog is full: try again soon
    refuse(c, 503, "Service Unavailable", std::string("the preview is not answering: ") + std::strerror(error));
    write_client(c);
    return true;
  }
  c.upstream = fd;
  c.state = Connection::State::forwarding;
  c.deadline = Clock::now() + limits_.stalled;
  ++forwarding_;
  return true;
}

void Loop::on_upstream(std::uint64_t id, Connection& c, std::uint32_t events) {
  if ((events & EPOLLOUT) && c.to_upstream_sent < c.to_upstream.size()) {
    const ssize_t n = ::send(c.upstream, c.to_upstream.data() + c.to_upstream_sent,
                             c.to_upstream.size() - c.to_upstream_sent, MSG_NOSIGNAL);
    if (n > 0) {
      c.to_upstream_sent += static_cast<std::size_t>(n);
      c.deadline = Clock::now() + limits_.stalled;
    }
    if (c.to_upstream_sent == c.to_upstream.size()) {
      std::string().swap(c.to_upstream);  // all sent: nothing of it is held
      c.to_upstream_sent = 0;
    }
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    char buffer[65536];
    while (c.out.size() - c.out_sent < kAnswerBuffer) {
      const ssize_t n = ::recv(c.upstream, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0) {
        c.upstream_done = true;
        break;
      }
      if (c.out_sent > kAnswerBuffer / 2 || (c.out_sent > 0 && c.out_sent == c.out.size())) {
        c.out.erase(0, c.out_sent);
        c.out_sent = 0;
      }
      c.out.append(buffer, static_cast<std::size_t>(n));
      c.deadline = Clock::now() + limits_.stalled;
    }
  }
  if (c.upstream_done) {
    ::close(c.upstream);
    c.upstream = -1;
    c.upstream_events = 0;
    --forwarding_;
    c.state = Connection::State::answering;
    if (c.out.empty()) refuse(c, 502, "Bad Gateway", "the preview gave no answer");
  }
  write_client(c);
  if (c.state == Connection::State::answering && c.out_sent == c.out.size()) end_request(id, c);
}

void Loop::write_client(Connection& c) {
  while (c.out_sent < c.out.size()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // full for now, or the client is gone (its leaving is seen as it reads)
    c.out_sent += static_cast<std::size_t>(n);
    c.deadline = Clock::now() + limits_.stalled;
  }
}

void Loop::end_request(std::uint64_t id, Connection& c) {
  // The answer is sent: no more is written, and the connection closes when
  // the client has seen the end (or soon), so that nothing unread is reset.
  if (c.state == Connection::State::closing) return;
  ::shutdown(c.fd, SHUT_WR);
  c.state = Connection::State::closing;
  std::string().swap(c.out);  // all sent
  c.out_sent = 0;
  c.deadline = Clock::now() + kLingerTime;
  (void)id;
}

}  // namespace portal::gate
