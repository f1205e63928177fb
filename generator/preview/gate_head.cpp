// The gate's reading of a request's head: its line breaks and control
// characters as the bytes arrive, then its request line and headers, with
// what httplib is to get of them.
#include "gate_head.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

#include "text.h"

namespace portal::gate {

namespace {

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
  });
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
                                               "origin",         "sec-fetch-site", "x-portal-secret",
                                               "x-portal-front", "x-remote-user"};
  return std::find(std::begin(kOnce), std::end(kOnce), name) != std::end(kOnce);
}

// Takes one header into `h`; false when it is to be left out of what httplib gets.
std::variant<bool, Refusal> take_header(const std::string& name, const std::string& value, Head& h) {
  std::string* const field = name == "host"              ? &h.host.emplace()
                             : name == "origin"          ? &h.origin
                             : name == "sec-fetch-site"  ? &h.fetch_site
                             : name == "x-portal-secret" ? &h.secret
                             : name == "x-portal-front"  ? &h.front
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
           name == "te" || name == "x-portal-front");
}

}  // namespace

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

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

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

}  // namespace portal::gate
