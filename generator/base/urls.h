// Which addresses a URL field may hold. A URL from a file is hostile until
// checked: only web addresses, and where they fit e-mail addresses and `@/`
// links to files under content/, ever become links.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portal {

// What a field may hold besides https:// and http:// addresses.
enum class UrlAlso { nothing, content_links };

struct UrlProblem {
  std::string message;  // about the field, named `key`
  std::string hint;
};

// Whether `url` may be written into a link from the field `key`; nullopt
// when it may. An empty value is no address at all, and is fine.
std::optional<UrlProblem> url_problem(std::string_view url, std::string_view key, UrlAlso also);

// Whether an e-mail address can be written into a mailto: link as it is.
std::optional<UrlProblem> email_problem(std::string_view address, std::string_view key);

// Whether a telephone number can be shown and dialled as it is: digits,
// spaces and hyphens, a leading +, and brackets round a code; 6 to 20 digits.
std::optional<UrlProblem> phone_problem(std::string_view number, std::string_view key);

// Whether a `source` is an address rather than a description of where a
// document was published: one word that starts with a scheme, `@/`, `//` or `www.`.
bool looks_like_url(std::string_view source);

// The scheme a browser finds in an href, lower-cased, or "" for a relative
// address: leading and trailing spaces and control characters are dropped
// and tabs and line breaks removed first, as the WHATWG URL parser does.
std::string effective_scheme(std::string_view href);

// Whether `host` names this computer only (127.0.0.0/8, ::1, localhost).
bool is_loopback(const std::string& host);

// An `@/` link split into its file under content/ and its anchor. A target
// that climbs out of content/ keeps its "..", so that it matches no file.
struct ContentLink {
  std::string target_path;  // "content/agreements/2020-04.md"
  std::string anchor;       // without '#'
};
ContentLink split_content_link(std::string_view url);

}  // namespace portal
