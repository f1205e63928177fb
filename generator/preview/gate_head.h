// How the gate reads a request's head: where the head ends as its bytes
// arrive, and what a whole head says that the gate must know, or why the
// preview will not take it. Also the query and key comparisons its checks use.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "preview_gate.h"

namespace portal::gate {

// What a request's head says that the gate must know.
struct Head {
  std::string method, path, query;
  std::size_t content_length = 0;
  bool chunked = false, expect_continue = false;
  std::size_t ranges = 0;
  std::optional<std::string> host;
  std::string origin, fetch_site, secret;  // Origin, Sec-Fetch-Site, X-Portal-Secret
  std::string front;                       // X-Portal-Front: never passed on
  std::string forward;                     // the head as httplib gets it
};

// Why the gate answers a request itself, and closes the connection after the answer.
struct Refusal {
  int status;
  const char* reason;
  std::string why;
  std::string extra = {};  // header lines
};

// Where the head ends (past its blank line), as far as `in` shows it: 0 while it is not whole.
struct HeadScan {
  std::size_t end = 0;
  bool fault = false;
};

// httplib ends a line at LF alone, the gate at CR LF: a head in which they
// could differ (a CR or LF that is not one pair), or with a NUL or another
// control character, is refused as the byte arrives. Scans on from `scanned`.
HeadScan scan_head(std::string_view in, std::size_t& scanned);

// A whole head, through its blank line (every line ends with CR LF: scan_head saw to it);
// a refusal when the preview will not take it.
std::variant<Head, Refusal> parse_head(std::string_view head, const GateLimits& limits);

// The value of the first `name`= in a query ("" when there is none).
std::string query_value(std::string_view query, std::string_view name);

// Compares in a time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace portal::gate
