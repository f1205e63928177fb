#include "preview_gate.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <variant>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "text.h"

namespace portal {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kAnswerBuffer = 256 * 1024;  // of an answer not yet sent, before httplib is held back
constexpr std::size_t kDropLimit = 1 << 20;        // read and dropped after a request, before the connection closes
constexpr auto kLingerTime = std::chrono::milliseconds(2000);

std::string plain_answer(int status, const char* reason, const std::string& text, const std::string& extra = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: " +
         std::to_string(text.size()) + "\r\n" + extra + "Connection: close\r\n\r\n" + text;
}

// What a request's head says that the gate must know.
struct Head {
  std::string method, path, query;
  std::size_t content_length = 0;
  bool chunked = false, expect_continue = false;
  std::size_t ranges = 0;
  std::optional<std::string> host;
  std::string origin, fetch_site, secret;  // Origin, Sec-Fetch-Site, X-Portal-Secret
  std::string forward;                     // the head as httplib gets it
};

struct Refusal {
  int status;
  const char* reason;
  std::string why;
  std::string extra = {};  // header lines
};

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
  });
}

// Where the head ends (past its blank line), as far as `in` shows it: 0 while it is not whole.
struct HeadScan {
  std::size_t end = 0;
  bool fault = false;
};

// httplib ends a line at LF alone, the gate at CR LF: a head in which they
// could differ (a CR or LF that is not one pair), or with a NUL or another
// control character, is refused as the byte arrives. Scans on from `scanned`.
HeadScan scan_head(std::string_view in, std::size_t& scanned) {
  for (std::size_t i = scanned; i < in.size(); ++i) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (b == '\r') {
      if (i + 1 == in.size()) {
        scanned = i;  // its LF may be on its way
        return {};
      }
      if (in[++i] != '\n') return {0, true};
      if (i >= 3 && in.substr(i - 3, 4) == "\r\n\r\n") return {i + 1, false};
    } else if (b == '\n' || b == 0x7f || (b < 0x20 && b != '\t')) {
      return {0, true};
    }
  }
  scanned = in.size();
  return {};
}

// The value of the first `name`= in a query ("" when there is none).
std::string query_value(std::string_view query, std::string_view name) {
  for (std::size_t at = 0; at <= query.size();) {
    const auto amp = std::min(query.find('&', at), query.size());
    const std::string_view part = query.substr(at, amp - at);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    at = amp + 1;
  }
  return {};
}

// Compares in a time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::optional<Refusal> parse_request_line(std::string_view line, Head& h) {
  const Refusal bad{400, "Bad Request", "the request line is not METHOD /PATH HTTP/1.1"};
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || line.find(' ', sp1 + 1) != sp2) return bad;
  h.method = std::string(line.substr(0, sp1));
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(h.method) || !target.starts_with('/') || version.size() != 8 || !version.starts_with("HTTP/1."))
    return bad;
  const auto question = target.find('?');
  h.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) h.query = std::string(target.substr(question + 1));
  return {};
}

// Headers that must come once: given twice, httplib would read the first and the gate might read another.
bool is_single(std::string_view name) {
  static constexpr std::string_view kOnce[] = {"content-length", "host",           "range",
                                               "origin",         "sec-fetch-site", "x-portal-secret"};
  return std::find(std::begin(kOnce), std::end(kOnce), name) != std::end(kOnce);
}

// Takes one header into `h`; false when it is to be left out of what httplib gets.
std::variant<bool, Refusal> take_header(const std::string& name, const std::string& value, Head& h) {
  std::string* const field = name == "host"              ? &h.host.emplace()
                             : name == "origin"          ? &h.origin
                             : name == "sec-fetch-site"  ? &h.fetch_site
                             : name == "x-portal-secret" ? &h.secret
                                                         : nullptr;
  if (name == "content-length") {
    if (value.empty() || value.size() > 12 ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return Refusal{400, "Bad Request", "the Content-Length is not one number"};
    h.content_length = std::stoull(value);
  } else if (name == "transfer-encoding") {
    h.chunked = true;
  } else if (name == "expect") {
    h.expect_continue = text::to_lower_ascii(value) == "100-continue";
    return false;  // the gate has the whole body before httplib sees the request
  } else if (name == "range") {
    h.ranges = 1 + static_cast<std::size_t>(std::count(value.begin(), value.end(), ','));
  } else if (field) {
    *field = value;
  }
  // httplib answers each request on a connection of its own.
  return !(name == "connection" || name == "keep-alive" || name == "proxy-connection" || name == "upgrade" ||
           name == "te");
}

// A whole head, through its blank line (every line ends with CR LF: scan_head saw to it);
// a refusal when the preview will not take it.
std::variant<Head, Refusal> parse_head(std::string_view head, const GateLimits& limits) {
  Head h;
  const auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  if (auto bad = parse_request_line(request_line, h)) return *bad;
  std::string forward(request_line);
  forward += "\r\n";
  std::size_t count = 0;
  std::vector<std::string> seen;
  for (std::size_t at = line_end + 2; at < head.size();) {
    const auto end = head.find("\r\n", at);
    if (end == at || end == std::string_view::npos) break;  // the blank line
    const std::string_view line = head.substr(at, end - at);
    at = end + 2;
    if (++count > limits.headers)
      return Refusal{431, "Request Header Fields Too Large",
                     "the request has more than " + std::to_string(limits.headers) + " header lines"};
    if (line.starts_with(' ') || line.starts_with('\t'))
      return Refusal{400, "Bad Request", "a header line is folded onto the next: send each header on one line"};
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
      return Refusal{400, "Bad Request", "a header line is not NAME: VALUE"};
    std::string name = text::to_lower_ascii(line.substr(0, colon));
    if (is_single(name)) {
      if (std::find(seen.begin(), seen.end(), name) != seen.end())
        return Refusal{400, "Bad Request",
                       "the request has more than one " + std::string(line.substr(0, colon)) + " header"};
      seen.push_back(name);
    }
    auto taken = take_header(name, text::trim(line.substr(colon + 1)), h);
    if (const auto* refusal = std::get_if<Refusal>(&taken)) return *refusal;
    if (!std::get<bool>(taken)) continue;
    forward.append(line);
    forward += "\r\n";
  }
  forward += "Connection: close\r\n\r\n";
  h.forward = std::move(forward);
  return h;
}

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
  ~Loop() {
    for (auto& [id, c] : connections_) {
      if (c.fd >= 0) ::close(c.fd);
      if (c.upstream >= 0) ::close(c.upstream);
    }
    if (epoll_ >= 0) ::close(epoll_);
    buffered_.store(0);
  }
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

void Loop::refuse(Connection& c, int status, const char* reason, const std::string& why, const std::string& extra) {
  c.out = plain_answer(status, reason, why + "\n", extra);
  c.out_sent = 0;
  std::string().swap(c.in);  // nothing more of the request is kept
  c.reserved = 0;
  c.state = Connection::State::answering;
  c.deadline = Clock::now() + limits_.stalled;
}

void Loop::answer_wait(Connection& c) {
  --waiting_;
  const std::string version = std::to_string(version_.load());
  c.out = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\nContent-Length: " +
          std::to_string(version.size()) + "\r\nConnection: close\r\n\r\n" + version;
  c.out_sent = 0;
  c.state = Connection::State::answering;
  c.deadline = Clock::now() + limits_.stalled;
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

void Loop::read_request(std::uint64_t id, Connection& c) {
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      close_connection(id);
      return;
    }
    c.in.append(buffer, static_cast<std::size_t>(n));
    if (!c.head) {
      const HeadScan scan = scan_head(c.in, c.scanned);
      const auto first_line = c.in.find("\r\n");
      std::optional<Refusal> refusal;
      if (scan.fault)
        refusal = Refusal{400, "Bad Request",
                          "the request's head holds a control character, or a line break that is not CR LF"};
      else if ((first_line == std::string::npos ? c.in.size() : first_line) > limits_.request_line)
        refusal = Refusal{414, "URI Too Long",
                          "the request line is longer than " + std::to_string(limits_.request_line) + " bytes"};
      else if ((scan.end == 0 ? c.in.size() : scan.end) > limits_.head)
        refusal = Refusal{431, "Request Header Fields Too Large",
                          "the request's headers are longer than " + std::to_string(limits_.head) + " bytes"};
      if (refusal) {
        refuse(c, refusal->status, refusal->reason, refusal->why);
        write_client(c);
        return;
      }
      if (scan.end == 0) continue;
      if (!take_head(c, scan.end)) return;
    }
    if (c.in.size() >= c.head->content_length) {
      c.in.resize(c.head->content_length);  // a pipelined request after it is not taken
      dispatch(id, c);
      return;
    }
  }
}

// The head is whole (`end` bytes): taken, with room reserved for its body, or refused.
bool Loop::take_head(Connection& c, std::size_t end) {
  auto parsed = parse_head(std::string_view(c.in).substr(0, end), limits_);
  std::optional<Refusal> refusal;
  if (const auto* bad = std::get_if<Refusal>(&parsed))
    refusal = *bad;
  else
    refusal = admit(std::get<Head>(parsed), end, c);
  if (refusal) {
    // The body, if any, is never read: the connection closes after the answer.
    refuse(c, refusal->status, refusal->reason, refusal->why, refusal->extra);
    write_client(c);
    return false;
  }
  Head& head = std::get<Head>(parsed);
  if (head.expect_continue) {
    static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    [[maybe_unused]] const auto sent = ::send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL);
  }
  c.reserved = end + head.content_length;
  c.in.erase(0, end);  // what is left is the body, or its start
  c.head = std::move(head);
  return true;
}

// Whether the gate takes a request whose head is whole, before a byte of its body is read.
std::optional<Refusal> Loop::admit(const Head& head, std::size_t head_size, const Connection& c) const {
  if (auto refusal = check_host(head)) return refusal;
  if (auto refusal = check_change(head)) return refusal;
  if (head.chunked) return Refusal{411, "Length Required", "send the request's body with a Content-Length"};
  if (head.content_length > limits_.body)
    return Refusal{413, "Content Too Large",
                   "the request's body is larger than " + std::to_string(limits_.body) + " bytes"};
  if (head.ranges > 1)
    return Refusal{416, "Range Not Satisfiable", "the preview answers one range at a time",
                   "Content-Range: bytes */*\r\n"};
  // The body counts in full from now on, so that many slow bodies together cannot pass the total.
  if (head.content_length > 0 && buffered_.load() - c.held + head_size + head.content_length > limits_.buffered)
    return Refusal{503, "Service Unavailable", "the preview is busy receiving other requests; try again",
                   "Retry-After: 2\r\n"};
  return {};
}

std::optional<Refusal> Loop::check_host(const Head& head) const {
  // A page elsewhere whose name is made to lead here (DNS rebinding) names itself in Host.
  if (!routes_.own_host) return {};
  if (!head.host) return Refusal{400, "Bad Request", "the request has no Host header"};
  if (!routes_.own_host(*head.host, port_))
    return Refusal{403, "Forbidden",
                   "the preview answers only at this computer's own address, e.g. http://127.0.0.1:" +
                       std::to_string(port_) + "/"};
  return {};
}

std::optional<Refusal> Loop::check_change(const Head& head) const {
  // Anything that sends a body or changes something must come from the editor's own pages, with
  // the key they carry; checked before the body is read, so that nobody else has it buffered.
  if (routes_.secret.empty()) return {};
  const bool changes = head.content_length > 0 || head.chunked || head.method == "POST" || head.method == "PUT" ||
                       head.method == "PATCH" || head.method == "DELETE";
  if (!changes) return {};
  if (!head.path.starts_with(routes_.guarded_prefix))
    return Refusal{403, "Forbidden",
                   "only the editor, at " + routes_.guarded_prefix + ", takes requests that send or change anything"};
  if (!head.host || head.origin != "http://" + *head.host ||
      (!head.fetch_site.empty() && head.fetch_site != "same-origin"))
    return Refusal{403, "Forbidden", "this request did not come from the editor's own pages"};
  const std::string secret = head.secret.empty() ? query_value(head.query, "secret") : head.secret;
  if (!same_secret(secret, routes_.secret))
    return Refusal{403, "Forbidden",
                   "this request does not carry the editor's key: reload the editor's page and try again"};
  return {};
}

// Brings the connection's share of the gate's total up to date.
void Loop::settle(Connection& c) {
  const std::size_t now = std::max(c.reserved, c.in.size()) + c.to_upstream.size() + c.out.size();
  buffered_.store(buffered_.load() - c.held + now);
  c.held = now;
}

void Loop::dispatch(std::uint64_t id, Connection& c) {
  const Head& head = *c.head;
  if (head.path == routes_.wait_path && (head.method == "GET" || head.method == "HEAD")) {
    if (waiting_ >= limits_.waiting) {
      refuse(c, 503, "Service Unavailable", "too many pages are waiting to reload; try again", "Retry-After: 2\r\n");
      write_client(c);
      return;
    }
    c.since = std::strtoull(query_value(head.query, "since").c_str(), nullptr, 10);
    std::string().swap(c.in);
    c.reserved = 0;
    ++waiting_;
    c.state = Connection::State::waiting;
    c.deadline = Clock::now() + limits_.wait_time;
    if (version_.load() != c.since) {
      answer_wait(c);
      write_client(c);
    }
    return;
  }
  c.to_upstream = head.forward + c.in;
  std::string().swap(c.in);
  c.reserved = 0;  // what is held is now to_upstream
  c.state = Connection::State::queued;
  c.deadline = Clock::now() + limits_.stalled;
  queue_.push_back(id);
}

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

}  // namespace

PreviewGate::PreviewGate(GateRoutes routes, GateLimits limits) : routes_(std::move(routes)), limits_(limits) {}

PreviewGate::~PreviewGate() {
  stop();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

bool PreviewGate::bind(const std::string& host, int port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    error = "cannot listen on " + host + ": " + ::gai_strerror(rc);
    return false;
  }
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
  if (listen_fd_ < 0) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + " (" + std::strerror(last_error) +
            "; is another preview running? try --port 1314)";
    return false;
  }
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    error = std::string("cannot make the preview's wake-up signal: ") + std::strerror(errno);
    return false;
  }
  return true;
}

void PreviewGate::start(std::function<void(const std::string&)> on_error) {
  on_error_ = std::move(on_error);
  thread_ = std::thread([this] { run(); });
}

void PreviewGate::run() {
  std::string failure;
  try {
    Loop loop(routes_, limits_, listen_fd_, wake_fd_, port_, version_, stopping_, buffered_);
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
