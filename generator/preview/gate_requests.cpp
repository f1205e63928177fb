// The gate's requests: each read as it arrives, its head checked and its body
// admitted or refused before a byte of it is read, then answered (a reload
// poll) or queued for httplib; and the answers the gate gives itself.
#include "gate_loop.h"

#include <cerrno>
#include <cstdlib>

#include <sys/socket.h>

namespace portal::gate {

namespace {

std::string plain_answer(int status, const char* reason, const std::string& text, const std::string& extra = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: " +
         std::to_string(text.size()) + "\r\n" + extra + "Connection: close\r\n\r\n" + text;
}

}  // namespace

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
  // The team editor's front proves each request came through the sign-in; nothing else is answered.
  if (!routes_.front_secret.empty() && !same_secret(head.front, routes_.front_secret))
    return Refusal{403, "Forbidden", "the editor is reached only through the organisation's sign-in"};
  if (auto refusal = check_host(head)) return refusal;
  if (auto refusal = check_change(head)) return refusal;
  if (head.chunked) return Refusal{411, "Length Required", "send the request's body with a Content-Length"};
  // Only a request that passed the guard above may send a picture.
  const bool upload = !routes_.secret.empty() && head.method == "POST" && head.path == routes_.upload_path;
  const std::size_t largest = upload ? limits_.upload_body : limits_.body;
  if (head.content_length > largest)
    return Refusal{413, "Content Too Large", "the request's body is larger than " + std::to_string(largest) + " bytes"};
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
                   routes_.origin.empty() ? "the preview answers only at this computer's own address, e.g. "
                                            "http://127.0.0.1:" +
                                                std::to_string(port_) + "/"
                                          : "the editor answers only at " + routes_.origin + "/"};
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
  const std::string origin = routes_.origin.empty() && head.host ? "http://" + *head.host : routes_.origin;
  if (!head.host || head.origin != origin || (!head.fetch_site.empty() && head.fetch_site != "same-origin"))
    return Refusal{403, "Forbidden", "this request did not come from the editor's own pages"};
  const std::string secret = head.secret.empty() ? query_value(head.query, "secret") : head.secret;
  if (!same_secret(secret, routes_.secret))
    return Refusal{403, "Forbidden",
                   "this request does not carry the editor's key: reload the editor's page and try again"};
  return {};
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

}  // namespace portal::gate
