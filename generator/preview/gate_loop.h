// The gate's connection loop: one thread, one epoll, every connection the
// gate holds with its state, and each request's way from its first byte to
// its answer. The loop's steps are in gate_loop.cpp (events, deadlines),
// gate_requests.cpp (reading and admitting requests) and gate_forward.cpp
// (handing them to httplib and sending its answers).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "gate_head.h"
#include "preview_gate.h"

namespace portal::gate {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kAnswerBuffer = 256 * 1024;  // of an answer not yet sent, before httplib is held back

// One client's connection: its request, its turn with httplib, and its answer.
struct Connection {
  enum class State { reading, queued, forwarding, waiting, answering, closing };
  int fd = -1;
  int upstream = -1;
  State state = State::reading;
  std::optional<Head> head;  // once the head is whole
  std::string in;            // what is read of the request: its head, then its body
  std::string to_upstream;
  std::size_t to_upstream_sent = 0;
  std::string out;  // the answer, to the client
  std::size_t out_sent = 0;
  bool upstream_done = false;
  std::uint64_t since = 0;
  Clock::time_point deadline;
  std::size_t dropped = 0;   // bytes read and dropped after the request
  std::size_t scanned = 0;   // of the head, by scan_head
  std::size_t reserved = 0;  // the head and its whole body, from when the head is taken until it is forwarded
  std::size_t held = 0;      // as counted in the gate's total
  std::uint32_t events = 0, upstream_events = 0;  // registered with epoll (0: not registered)
};

// Every connection the gate holds, on the gate's thread alone.
class Loop {
 public:
  Loop(const GateRoutes& routes, const GateLimits& limits, int listen_fd, int wake_fd, int port,
       const std::atomic<std::uint64_t>& version, const std::atomic<bool>& stopping, std::atomic<std::size_t>& buffered)
      : routes_(routes),
        limits_(limits),
        listen_fd_(listen_fd),
        wake_fd_(wake_fd),
        port_(port),
        version_(version),
        stopping_(stopping),
        buffered_(buffered) {}
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs until the gate stops; returns what went wrong if it cannot go on.
  std::string run();

 private:
  static constexpr std::uint64_t kListen = ~std::uint64_t{0};
  static constexpr std::uint64_t kWake = ~std::uint64_t{0} - 1;

  void accept_all();
  void on_client(std::uint64_t id, Connection& c, std::uint32_t events);
  void on_upstream(std::uint64_t id, Connection& c, std::uint32_t events);
  void read_request(std::uint64_t id, Connection& c);
  bool take_head(Connection& c, std::size_t end);
  [[nodiscard]] std::optional<Refusal> admit(const Head& head, std::size_t head_size, const Connection& c) const;
  [[nodiscard]] std::optional<Refusal> check_host(const Head& head) const;
  [[nodiscard]] std::optional<Refusal> check_change(const Head& head) const;
  void settle(Connection& c);
  void dispatch(std::uint64_t id, Connection& c);
  bool start_forwarding(Connection& c);
  void refuse(Connection& c, int status, const char* reason, const std::string& why, const std::string& extra = {});
  void answer_wait(Connection& c);
  void write_client(Connection& c);
  void end_request(std::uint64_t id, Connection& c);
  void close_connection(std::uint64_t id);
  void watch(std::uint64_t id, Connection& c);
  void tick();
  [[nodiscard]] int timeout_ms() const;

  const GateRoutes& routes_;
  const GateLimits& limits_;
  int listen_fd_, wake_fd_, port_;
  const std::atomic<std::uint64_t>& version_;
  const std::atomic<bool>& stopping_;
  std::atomic<std::size_t>& buffered_;  // the sum of every connection's `held`; only this thread changes it
  int epoll_ = -1;
  std::map<std::uint64_t, Connection> connections_;
  std::uint64_t next_id_ = 0;
  std::deque<std::uint64_t> queue_;  // whole requests waiting for a turn with httplib
  std::size_t forwarding_ = 0, waiting_ = 0;
  bool listening_ = true;
  Clock::time_point resume_listening_;
};

}  // namespace portal::gate
