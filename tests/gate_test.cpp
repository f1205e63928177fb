// The preview's gate (generator/preview/preview_gate.cpp) on its own: a real gate on
// a free port, a small httplib server of the test's own behind it on a Unix
// socket, and raw requests over TCP, so that every byte sent is the test's.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "preview_gate.h"
#include "raw_http.h"
#include "support.h"

using namespace portal::test;

namespace {

using portal::GateLimits;
using portal::GateRoutes;
using portal::PreviewGate;

// What the preview's httplib would be: it notes each request it is handed and answers 200.
class Upstream {
 public:
  Upstream() {
    const auto note = [this](const httplib::Request& req, httplib::Response& res) {
      {
        const std::lock_guard lock(mutex_);
        seen_.push_back(req.method + " " + req.path + " " + std::to_string(req.body.size()));
      }
      res.set_content("from upstream\n", "text/plain");
    };
    server_.Get(".*", note);
    server_.Post(".*", note);
    server_.set_address_family(AF_UNIX);
    bound_ = server_.bind_to_port(socket_path().c_str(), 80);
    if (bound_) thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Upstream() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  [[nodiscard]] std::string socket_path() const { return (dir_.path() / "up.sock").string(); }
  [[nodiscard]] bool bound() const { return bound_; }
  std::vector<std::string> seen() {
    const std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  portal::test::TempDir dir_;
  httplib::Server server_;
  bool bound_ = false;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> seen_;
};

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";

// The preview as serve.cpp sets it up on a loopback address: own Host only, the editor's secret.
GateRoutes guarded(const Upstream& up) {
  GateRoutes routes{up.socket_path()};
  routes.own_host = [](std::string_view host, int port) { return host == "127.0.0.1:" + std::to_string(port); };
  routes.secret = kSecret;
  routes.guarded_prefix = "/__portal/edit/";
  return routes;
}

void start(PreviewGate& gate) {
  REQUIRE(portal::test::failure_text(gate.bind("127.0.0.1", 0)) == "");
  gate.start([](const std::string&) {});
}

// The next answer's head, through its blank line.
std::string read_head(int fd) {
  std::string head;
  char c = 0;
  while (!head.ends_with("\r\n\r\n") && ::recv(fd, &c, 1, 0) == 1) head += c;
  return head;
}

int status_of(const std::string& answer) {
  if (!answer.starts_with("HTTP/1.1 ") || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

std::string host_of(const PreviewGate& gate) { return "127.0.0.1:" + std::to_string(gate.port()); }

std::string get(const std::string& target, const std::string& host, const std::string& extra = {}) {
  return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

// The head of a POST of `length` bytes to `target`.
std::string post_head(const std::string& target, const std::string& host, std::size_t length,
                      const std::string& extra) {
  return "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
         "Content-Length: " + std::to_string(length) + "\r\n" + extra + "\r\n";
}

}  // namespace

TEST_CASE("the gate and httplib read one request the same way: a bare LF, CR or NUL in the head is refused", "[gate]") {
  Upstream up;
  REQUIRE(up.bound());
  PreviewGate gate(GateRoutes{up.socket_path()});
  start(gate);
  const std::string host = host_of(gate);
  std::string many_ranges = "bytes=0-";
  for (int i = 0; i < 300; ++i) many_ranges += ",0-";

  // httplib splits lines on LF too: this Range would be a header of its own there, past the gate's one-range limit.
  CHECK(status_of(exchange(gate.port(), "GET /file HTTP/1.1\r\nHost: " + host + "\r\nX-A: b\nRange: " + many_ranges +
                                            "\r\n\r\n")) == 400);
  CHECK(status_of(exchange(gate.port(),
                           "GET /file HTTP/1.1\r\nHost: " + host + "\r\nX-A: b\rRange: bytes=0-\r\n\r\n")) == 400);
  CHECK(status_of(exchange(gate.port(), "GET /file HTTP/1.1\r\nHost: " + host + "\r\nX-A: b" + std::string(1, '\0') +
                                            "c\r\n\r\n")) == 400);
  CHECK(status_of(exchange(gate.port(), "GET /file HTTP/1.1\r\nHost: " + host + "\r\nX-A: b\r\n\r\n\n")) != 400);
  // A head that ends with bare LFs is refused as it arrives, not when the request's time is up.
  CHECK(status_of(exchange(gate.port(), "GET /file HTTP/1.1\nHost: " + host + "\n\n")) == 400);
  // Folded header lines (obs-fold) and a second Range are refused; two ranges in one are not answered.
  CHECK(status_of(exchange(gate.port(), get("/file", host, "X-A: b\r\n " + many_ranges + "\r\n"))) == 400);
  CHECK(status_of(exchange(gate.port(), get("/file", host, "X-A: b\r\n\tc\r\n"))) == 400);
  CHECK(status_of(exchange(gate.port(), get("/file", host, "Range: bytes=0-\r\nRange: bytes=0-\r\n"))) == 400);
  CHECK(status_of(exchange(gate.port(), get("/file", host, "Range: bytes=0-1,2-3\r\n"))) == 416);
  CHECK(status_of(exchange(gate.port(), get("/file", host, "Range: " + many_ranges + "\r\n"))) == 416);
  CHECK(status_of(exchange(gate.port(), "GET /a b HTTP/1.1\r\nHost: " + host + "\r\n\r\n")) == 400);

  // None of them reached httplib: the only request it saw is the good one sent last (it answers before the test reads).
  CHECK(status_of(exchange(gate.port(), get("/after", host, "Range: bytes=0-\r\n"))) == 206);
  CHECK(up.seen() == std::vector<std::string>{"GET /file 0", "GET /after 0"});
}

TEST_CASE("the gate checks the Host of every request, the reload poll's too, when it is told to", "[gate]") {
  Upstream up;
  REQUIRE(up.bound());
  PreviewGate gate(guarded(up));
  start(gate);
  gate.set_version(7);
  const std::string foreign = "evil.example:" + std::to_string(gate.port());

  // since=1 is not the version: a poll that got past the gate would be answered at once with 200.
  const std::string poll = exchange(gate.port(), get("/__portal/wait?since=1", foreign));
  CHECK(status_of(poll) == 403);
  CHECK(poll.find("Content-Type: text/plain") != std::string::npos);
  CHECK(status_of(exchange(gate.port(), get("/", foreign))) == 403);
  CHECK(status_of(exchange(gate.port(), get("/__portal/edit/", foreign))) == 403);
  CHECK(status_of(exchange(gate.port(), get("/", "127.0.0.1:1"))) == 403);
  CHECK(status_of(exchange(gate.port(), "GET / HTTP/1.1\r\n\r\n")) == 400);
  CHECK(status_of(exchange(gate.port(),
                           "GET / HTTP/1.1\r\nHost: " + host_of(gate) + "\r\nHost: " + foreign + "\r\n\r\n")) == 400);
  // A foreign Host with a body is refused before the body is read (none is sent).
  CHECK(status_of(exchange(
            gate.port(), post_head("/__portal/edit/save", foreign, 3'000'000,
                                   "Origin: http://" + foreign + "\r\nX-Portal-Secret: " + kSecret + "\r\n"))) == 403);

  const std::string own = exchange(gate.port(), get("/__portal/wait?since=1", host_of(gate)));
  CHECK(status_of(own) == 200);
  CHECK(own.ends_with("\r\n\r\n7"));
  CHECK(status_of(exchange(gate.port(), get("/page/", host_of(gate)))) == 200);
  CHECK(up.seen() == std::vector<std::string>{"GET /page/ 0"});
}

TEST_CASE("the gate refuses a request with a body before reading it unless it carries the editor's secret and Origin",
          "[gate]") {
  Upstream up;
  REQUIRE(up.bound());
  PreviewGate gate(guarded(up));
  start(gate);
  const std::string host = host_of(gate);
  const std::string origin = "Origin: http://" + host + "\r\n";
  const std::string secret = std::string("X-Portal-Secret: ") + kSecret + "\r\n";
  const std::string save = "/__portal/edit/save";

  // Only the head of a 3 MB body is sent: each answer arrives without a byte of the body.
  const auto refused = [&](const std::string& target, const std::string& extra, std::size_t length = 3'000'000) {
    return status_of(exchange(gate.port(), post_head(target, host, length, extra)));
  };
  CHECK(refused(save, origin) == 403);                                // no secret
  CHECK(refused(save, origin + "X-Portal-Secret: 0123\r\n") == 403);  // a wrong one
  CHECK(refused(save + "?secret=0123456789abcdef0123456789abcdee", origin) == 403);
  CHECK(refused(save, secret) == 403);                                      // no Origin
  CHECK(refused(save, secret + "Origin: http://evil.example\r\n") == 403);  // someone else's page
  CHECK(refused(save, secret + origin + "Sec-Fetch-Site: cross-site\r\n") == 403);
  CHECK(refused("/elsewhere", secret + origin) == 403);  // nothing else takes a body
  CHECK(refused(save, secret + origin + "Content-Length: 3000000\r\n") == 400);
  CHECK(refused(save, secret + origin, 4'000'000) == 413);  // allowed, but too large: still unread
  // A POST without a body is a change too.
  CHECK(status_of(exchange(gate.port(),
                           "POST " + save + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n")) == 403);
  CHECK(up.seen().empty());

  // The editor's own requests: the secret in a header (fetch) or in the form's address (plain forms).
  CHECK(status_of(exchange(gate.port(), post_head(save, host, 3, secret + origin + "Sec-Fetch-Site: same-origin\r\n") +
                                            "a=b")) == 200);
  CHECK(status_of(exchange(gate.port(), post_head(save + "?secret=" + kSecret, host, 4, origin) + "ab=c")) == 200);
  CHECK(up.seen() == std::vector<std::string>{"POST " + save + " 3", "POST " + save + " 4"});
}

TEST_CASE("without a Host check or a secret the gate forwards as before", "[gate]") {
  Upstream up;
  REQUIRE(up.bound());
  PreviewGate gate(GateRoutes{up.socket_path()});
  start(gate);
  CHECK(status_of(exchange(gate.port(), get("/", "evil.example"))) == 200);
  CHECK(status_of(exchange(gate.port(), "GET /none HTTP/1.1\r\n\r\n")) == 200);
  CHECK(status_of(exchange(gate.port(), post_head("/form", "evil.example", 3, "") + "a=b")) == 200);
  CHECK(up.seen() == std::vector<std::string>{"GET / 0", "GET /none 0", "POST /form 3"});
}

TEST_CASE("the team editor's gate, on a Unix socket for its group, answers only what carries the front's key",
          "[gate][team]") {
  Upstream up;
  REQUIRE(up.bound());
  portal::test::TempDir dir;
  const std::string socket = (dir.path() / "team.sock").string();
  portal::test::write_file(socket, "not a socket");
  GateRoutes routes{up.socket_path()};
  routes.own_host = [](std::string_view host, int) { return host == "editor.example.org"; };
  routes.secret = kSecret;
  routes.origin = "https://editor.example.org";
  routes.front_secret = "front-key-front-key-front-key-front-key";
  {
    PreviewGate refused(routes);
    CHECK(portal::test::failure_text(refused.bind_unix(socket)).find("is not a socket") != std::string::npos);
  }
  std::filesystem::remove(socket);
  PreviewGate gate(routes);
  REQUIRE(portal::test::failure_text(gate.bind_unix(socket)) == "");
  gate.start([](const std::string&) {});
  {
    PreviewGate second(routes);  // a second server on the same socket never takes it from the first
    CHECK(portal::test::failure_text(second.bind_unix(socket)).find("another server") != std::string::npos);
  }
  CHECK((std::filesystem::status(socket).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write | std::filesystem::perms::group_read |
         std::filesystem::perms::group_write));
  const std::string front = "X-Portal-Front: front-key-front-key-front-key-front-key\r\n";
  const std::string origin = "Origin: https://editor.example.org\r\n";
  const std::string secret = std::string("X-Portal-Secret: ") + kSecret + "\r\n";
  const auto status = [&](const std::string& request) { return status_of(exchange_unix(socket, request)); };
  // Without the front's key, or with another, nothing is answered: not a page, not a change.
  CHECK(status(get("/__portal/edit/", "editor.example.org")) == 403);
  CHECK(status(get("/__portal/edit/", "editor.example.org", "X-Portal-Front: front-key\r\n")) == 403);
  CHECK(status(post_head("/__portal/edit/save", "editor.example.org", 3, secret + origin) + "a=b") == 403);
  // Given twice, it is refused: the gate and httplib would read different ones.
  CHECK(status(get("/", "editor.example.org", front + front)) == 400);
  CHECK(up.seen().empty());
  // Through the front: the editor's address and Origin only.
  CHECK(status(get("/", "127.0.0.1", front)) == 403);
  CHECK(status(post_head("/__portal/edit/save", "editor.example.org", 3,
                         front + secret + "Origin: http://editor.example.org\r\n") +
               "a=b") == 403);
  CHECK(status(get("/", "editor.example.org", front)) == 200);
  CHECK(status(post_head("/__portal/edit/save", "editor.example.org", 3, front + secret + origin) + "a=b") == 200);
  CHECK(up.seen() == std::vector<std::string>{"GET / 0", "POST /__portal/edit/save 3"});
}

TEST_CASE("the bodies all connections hold together stay under the gate's total", "[gate]") {
  Upstream up;
  REQUIRE(up.bound());
  GateLimits limits;
  limits.buffered = 16 * 1024 * 1024;
  PreviewGate gate(GateRoutes{up.socket_path()}, limits);
  start(gate);
  constexpr std::size_t kBody = 3'000'000;
  const std::string head = post_head("/form", host_of(gate), kBody, "Expect: 100-continue\r\n");
  std::vector<int> taken;
  int refused = 0;
  // One at a time: a body the gate takes is answered with 100 Continue and sent all but its last byte.
  for (int i = 0; i < 40; ++i) {
    const int fd = connect_to(gate.port());
    send_all(fd, head);
    const std::string answer = read_head(fd);
    if (status_of(answer) == 100) {
      send_all(fd, std::string(kBody - 1, 'x'));
      taken.push_back(fd);
      continue;
    }
    CHECK(status_of(answer) == 503);
    CHECK(answer.find("Retry-After: ") != std::string::npos);
    ++refused;
    ::close(fd);
  }
  CHECK(!taken.empty());
  CHECK(taken.size() <= limits.buffered / kBody);
  CHECK(refused == 40 - static_cast<int>(taken.size()));
  CHECK(gate.buffered_bytes() <= limits.buffered);
  CHECK(gate.buffered_bytes() >= taken.size() * kBody);
  for (const int fd : taken) ::close(fd);
  CHECK(up.seen().empty());
}
