// The preview's front door. cpp-httplib as Debian ships it (0.11.4) reads a
// request line or header of any length into memory, gives each connection a
// thread of a fixed pool for as long as the connection lives (so a client
// that waits for a reload, trickles its request or idles holds one), and
// answers a request for thousands of ranges with every one of them.
//
// The gate takes every connection on one thread of its own (epoll): it reads
// each request's head and body within limits and a deadline, answers the
// reload long-polls itself, refuses what the preview never needs, and hands
// httplib whole requests only, one to a connection, over a Unix socket that
// only the gate knows. A connection that waits or is slow costs a few
// hundred bytes and a descriptor, never a thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "result.h"

namespace portal {

struct GateLimits {
  std::size_t request_line = 8 * 1024;         // 414 beyond
  std::size_t head = 16 * 1024;                // request line and headers: 431 beyond
  std::size_t headers = 100;                   // header lines: 431 beyond
  std::size_t body = 3 * 1024 * 1024;          // 413 beyond: the editor's largest request, with room
  std::size_t upload_body = 26 * 1024 * 1024;  // the same for a picture's upload (upload_path), once guarded

  std::size_t connections = 1000;                  // open at once: 503 beyond
  std::size_t waiting = 500;                       // reload polls held at once: 503 beyond
  std::size_t forwarding = 16;                     // requests with httplib at once; the rest queue
  std::chrono::milliseconds request_time{10'000};  // to send a whole request: 408 beyond
  std::chrono::milliseconds wait_time{25'000};     // a reload poll is answered by then
  std::chrono::milliseconds stalled{30'000};       // an answer nobody reads is dropped
  // What all connections together hold of requests (a body counts in full from its head on)
  // and of answers: a body that would pass it is refused with 503 before it is read.
  std::size_t buffered = 64 * 1024 * 1024;
};

// Where the gate sends a whole request, and the path it reloads from.
struct GateRoutes {
  std::string upstream_socket;               // httplib's Unix socket
  std::string wait_path = "/__portal/wait";  // ?since=VERSION: answered when the version changes
  // When set, every request's Host header must name this computer at the gate's port (given
  // as `port`), or it is refused with 403 before anything else; one without Host with 400.
  std::function<bool(std::string_view host, int port)> own_host = {};
  // When not empty, a request with a body, or any POST, PUT, PATCH or DELETE, is refused with
  // 403 before its body is read unless it is addressed under `guarded_prefix`, its Origin is
  // http:// and its own Host, its Sec-Fetch-Site (if sent) is same-origin, and it carries this
  // secret in an X-Portal-Secret header or a secret= parameter of its query.
  std::string secret = {};
  std::string guarded_prefix = "/__portal/edit/";
  // The one route that takes a picture, with a body of up to GateLimits::upload_body.
  std::string upload_path = "/__portal/edit/upload";
  // When set (the team editor), the Origin a request that changes anything must carry, instead of
  // http:// and its own Host; and where refusals say the editor answers.
  std::string origin = {};
  // When set (the team editor), every request must carry it in an X-Portal-Front header, which only
  // the signed-in front sends, or it is refused with 403 before anything else. httplib never sees it.
  std::string front_secret = {};
};

class PreviewGate {
 public:
  PreviewGate(GateRoutes routes, GateLimits limits = {});
  ~PreviewGate();
  PreviewGate(const PreviewGate&) = delete;
  PreviewGate& operator=(const PreviewGate&) = delete;

  // Binds the listening socket (port 0: any free port).
  Done bind(const std::string& host, int port);
  // Binds a Unix socket at `path` instead, which only its owner and group may connect to (mode 0660);
  // a socket left there by a server that stopped is replaced, anything else there is refused.
  Done bind_unix(const std::string& path);
  [[nodiscard]] int port() const { return port_; }
  // Runs the loop on a thread of its own until stop(). `on_error` hears
  // what went wrong if the loop cannot go on; the gate then stops.
  void start(std::function<void(const std::string&)> on_error);
  void stop();
  // The site's version changed: every waiting reload poll is answered.
  void set_version(std::uint64_t version);
  // What the connections hold now, as counted against GateLimits::buffered (for tests).
  [[nodiscard]] std::size_t buffered_bytes() const { return buffered_.load(); }

 private:
  void run();

  GateRoutes routes_;
  GateLimits limits_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd: a new version, or stop
  int port_ = 0;
  std::atomic<std::uint64_t> version_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> buffered_{0};
  std::function<void(const std::string&)> on_error_;
  std::thread thread_;
};

}  // namespace portal
