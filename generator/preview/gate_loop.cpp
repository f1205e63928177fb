// The gate's event loop: epoll's events for the listening socket, the wake-up
// signal and every connection, what each connection is watched for, new
// connections, clients' leaving, and the deadlines and queue checked on each turn.
#include "gate_loop.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace portal::gate {

namespace {

constexpr std::size_t kDropLimit = 1 << 20;  // read and dropped after a request, before the connection closes

}  // namespace

Loop::~Loop() {
  for (auto& [id, c] : connections_) {
    if (c.fd >= 0) ::close(c.fd);
    if (c.upstream >= 0) ::close(c.upstream);
  }
  if (epoll_ >= 0) ::close(epoll_);
  buffered_.store(0);
}

std::string Loop::run() {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) return std::string("cannot start the preview's connection loop: ") + std::strerror(errno);
  epoll_event listen_event{};
  listen_event.events = EPOLLIN;
  listen_event.data.u64 = kListen;
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.u64 = kWake;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, listen_fd_, &listen_event) != 0 ||
      ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_fd_, &wake_event) != 0)
    return std::string("cannot watch the preview's sockets: ") + std::strerror(errno);
  epoll_event events[256];
  while (!stopping_.load()) {
    const int n = ::epoll_wait(epoll_, events, 256, timeout_ms());
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::string("the preview's connection loop failed: ") + std::strerror(errno);
    }
    for (int i = 0; i < n; ++i) {
      const std::uint64_t key = events[i].data.u64;
      if (key == kListen) {
        accept_all();
        continue;
      }
      if (key == kWake) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto read = ::read(wake_fd_, &count, sizeof count);
        continue;
      }
      const std::uint64_t id = key >> 1;
      const auto it = connections_.find(id);
      if (it == connections_.end()) continue;
      if (key & 1)
        on_upstream(id, it->second, events[i].events);
      else
        on_client(id, it->second, events[i].events);
      if (const auto still = connections_.find(id); still != connections_.end()) watch(id, still->second);
    }
    tick();
  }
  return {};
}

int Loop::timeout_ms() const {
  if (!queue_.empty() && forwarding_ < limits_.forwarding) return 2;  // httplib's backlog was full: soon again
  auto soonest = Clock::now() + std::chrono::seconds(1);
  for (const auto& [id, c] : connections_) soonest = std::min(soonest, c.deadline);
  if (!listening_) soonest = std::min(soonest, resume_listening_);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(soonest - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(ms + 1, 0, 1000));
}

void Loop::watch(std::uint64_t id, Connection& c) {
  settle(c);
  // The client: its request while reading, its leaving at any time, room to write while an answer waits.
  std::uint32_t want = EPOLLIN | EPOLLRDHUP;
  if (c.out_sent < c.out.size()) want |= EPOLLOUT;
  if (want != c.events) {
    epoll_event e{};
    e.events = want;
    e.data.u64 = id << 1;
    ::epoll_ctl(epoll_, c.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd, &e);
    c.events = want;
  }
  if (c.upstream < 0) return;
  // httplib: the request while it is not all sent; the answer while there is room for it.
  std::uint32_t up = 0;
  if (c.to_upstream_sent < c.to_upstream.size()) up |= EPOLLOUT;
  if (c.out.size() - c.out_sent < kAnswerBuffer) up |= EPOLLIN | EPOLLRDHUP;
  if (up == c.upstream_events) return;
  epoll_event e{};
  e.events = up;
  e.data.u64 = (id << 1) | 1;
  if (up == 0)
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.upstream, nullptr);  // not even its closing, until there is room
  else
    ::epoll_ctl(epoll_, c.upstream_events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.upstream, &e);
  c.upstream_events = up;
}

// Brings the connection's share of the gate's total up to date.
void Loop::settle(Connection& c) {
  const std::size_t now = std::max(c.reserved, c.in.size()) + c.to_upstream.size() + c.out.size();
  buffered_.store(buffered_.load() - c.held + now);
  c.held = now;
}

void Loop::accept_all() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors or memory: take no connection for a moment rather than spin.
        listening_ = false;
        resume_listening_ = Clock::now() + std::chrono::milliseconds(100);
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listen_fd_, nullptr);
      }
      return;
    }
    const std::uint64_t id = next_id_++;
    Connection& c = connections_[id];
    c.fd = fd;
    c.deadline = Clock::now() + limits_.request_time;
    if (connections_.size() > limits_.connections)
      refuse(c, 503, "Service Unavailable", "the preview has too many connections open; try again",
             "Retry-After: 2\r\n");
    write_client(c);
    if (connections_.count(id)) watch(id, c);
  }
}

void Loop::on_client(std::uint64_t id, Connection& c, std::uint32_t events) {
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    if (c.state == Connection::State::reading) {
      read_request(id, c);
      if (!connections_.count(id)) return;
    } else {
      // Past its request: what else the client sends is dropped, and its
      // leaving (a tab closed while it waited) ends the connection.
      char buffer[16384];
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ||
          (c.dropped += static_cast<std::size_t>(std::max<ssize_t>(n, 0))) > kDropLimit) {
        close_connection(id);
        return;
      }
    }
  }
  if (c.out_sent < c.out.size() && (events & EPOLLOUT)) write_client(c);
  if (c.state == Connection::State::answering && c.out_sent == c.out.size() && c.upstream < 0) end_request(id, c);
}

void Loop::close_connection(std::uint64_t id) {
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection& c = it->second;
  if (c.state == Connection::State::waiting) --waiting_;
  buffered_.store(buffered_.load() - c.held);
  if (c.upstream >= 0) {
    ::close(c.upstream);
    --forwarding_;
  }
  ::close(c.fd);
  connections_.erase(it);
}

void Loop::tick() {
  const auto now = Clock::now();
  if (!listening_ && now >= resume_listening_) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = kListen;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, listen_fd_, &e) == 0) listening_ = true;
  }
  // Whole requests, in the order they came, as httplib has room.
  while (!queue_.empty() && forwarding_ < limits_.forwarding) {
    const std::uint64_t id = queue_.front();
    const auto it = connections_.find(id);
    if (it == connections_.end() || it->second.state != Connection::State::queued) {
      queue_.pop_front();
      continue;
    }
    if (!start_forwarding(it->second)) break;
    queue_.pop_front();
    if (connections_.count(id)) watch(id, it->second);
  }
  const std::uint64_t version = version_.load();
  std::vector<std::uint64_t> expired;
  for (auto& [id, c] : connections_) {
    if (c.state == Connection::State::waiting && (version != c.since || now >= c.deadline)) {
      answer_wait(c);
      write_client(c);
      if (c.out_sent == c.out.size()) end_request(id, c);
      watch(id, c);
      continue;
    }
    if (now < c.deadline) continue;
    if (c.state == Connection::State::reading && c.in.empty() && !c.head) {
      expired.push_back(id);  // connected and said nothing
    } else if (c.state == Connection::State::reading) {
      refuse(c, 408, "Request Timeout", "the request did not arrive whole in time");
      write_client(c);
      if (c.out_sent == c.out.size()) end_request(id, c);
      watch(id, c);
    } else {
      expired.push_back(id);  // an answer nobody reads, a finished answer lingering, a stuck request
    }
  }
  for (const auto id : expired) close_connection(id);
}

}  // namespace portal::gate
