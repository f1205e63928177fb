#include "urls.h"

#include <algorithm>
#include <filesystem>

#include "text.h"

namespace portal {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_scheme_char(char c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'; }

// A character no address may hold as it is written: a control character, a
// space of any kind, an invisible formatting character.
std::optional<UrlProblem> unsafe_character(std::string_view url, std::string_view key) {
  if (text::invalid_utf8_offset(url) != std::string_view::npos)
    return UrlProblem{"`" + std::string(key) + "` is not valid UTF-8", "write the address again in a UTF-8 editor"};
  const auto bad = text::find_code_point(
      url, [](std::uint32_t cp) { return text::is_control(cp) || text::is_space(cp) || text::is_invisible(cp); });
  if (bad) {
    return UrlProblem{"`" + std::string(key) + "` holds " + text::describe_code_point(bad->code_point) +
                          ", which an address cannot hold as it is",
                      "write the address without spaces or hidden characters; a space in it is written %20"};
  }
  if (url.find('\\') != std::string_view::npos)
    return UrlProblem{"`" + std::string(key) + "` holds a backslash, which browsers read as a slash",
                      "write the address with forward slashes (/)"};
  return std::nullopt;
}

}  // namespace

std::string effective_scheme(std::string_view href) {
  // WHATWG URL: leading and trailing C0 controls and spaces are dropped, and
  // every tab and line break is removed, before the scheme is read.
  std::string cleaned;
  std::size_t first = 0, last = href.size();
  while (first < last && static_cast<unsigned char>(href[first]) <= 0x20) ++first;
  while (last > first && static_cast<unsigned char>(href[last - 1]) <= 0x20) --last;
  for (std::size_t i = first; i < last; ++i)
    if (href[i] != '\t' && href[i] != '\n' && href[i] != '\r') cleaned += href[i];
  if (cleaned.empty() || !is_alpha(cleaned[0])) return {};
  for (std::size_t i = 1; i < cleaned.size(); ++i) {
    if (cleaned[i] == ':') return text::to_lower_ascii(cleaned.substr(0, i));
    if (!is_scheme_char(cleaned[i])) return {};
  }
  return {};
}

std::optional<UrlProblem> url_problem(std::string_view url, std::string_view key, UrlAlso also) {
  if (url.empty()) return std::nullopt;
  if (auto bad = unsafe_character(url, key)) return bad;
  const std::string name(key);
  const bool content = also == UrlAlso::content_links;
  const std::string allowed_hint = content ? "write a full address starting https://, or link a file under "
                                             "content/ as @/ and its path, e.g. @/dhr/summary.pdf"
                                           : "write a full address starting https://, e.g. https://www.kent.gov.uk/";
  if (url.starts_with("@/")) {
    if (content) return std::nullopt;
    return UrlProblem{"`" + name + "` must be a web address, not a link to a file under content/", allowed_hint};
  }
  const std::string scheme = effective_scheme(url);
  if (scheme == "http" || scheme == "https") {
    const std::string_view rest = url.substr(scheme.size() + 1);
    if (!rest.starts_with("//") || rest.size() == 2 || rest[2] == '/')
      return UrlProblem{
          "`" + name + "` is not a complete web address: " + scheme + ": must be followed by // and a host name",
          "write it like https://www.kent.gov.uk/"};
    return std::nullopt;
  }
  if (!scheme.empty())
    return UrlProblem{"`" + name + "` is a " + scheme +
                          ": address, which the portal never links to; only https: and http: "
                          "addresses are allowed" +
                          (content ? ", and @/ links" : ""),
                      allowed_hint};
  if (url.starts_with("//"))
    return UrlProblem{"`" + name + "` starts with //, which leads to whatever host follows", allowed_hint};
  return UrlProblem{"`" + name + "` must be a full address, not a relative one (\"" + std::string(url) + "\")",
                    allowed_hint};
}

std::optional<UrlProblem> email_problem(std::string_view address, std::string_view key) {
  if (address.empty()) return std::nullopt;
  if (auto bad = unsafe_character(address, key)) return bad;
  const std::string name(key);
  const auto at = address.find('@');
  const bool one_at = at != std::string_view::npos && address.find('@', at + 1) == std::string_view::npos;
  const bool parts = one_at && at > 0 && address.find('.', at) != std::string_view::npos && !address.ends_with('.');
  if (!parts || address.size() > 254 || address.find_first_of("<>()[],;:\"'?#/&=%") != std::string_view::npos)
    return UrlProblem{"`" + name + "` is not an e-mail address (\"" + std::string(address) + "\")",
                      "write only the address, e.g. email = \"team@example.org\""};
  return std::nullopt;
}

std::optional<UrlProblem> phone_problem(std::string_view number, std::string_view key) {
  if (number.empty()) return std::nullopt;
  int digits = 0;
  bool only_allowed = number.size() <= 40;
  for (std::size_t i = 0; i < number.size() && only_allowed; ++i) {
    const char c = number[i];
    if (c >= '0' && c <= '9')
      ++digits;
    else
      only_allowed = c == ' ' || c == '-' || c == '(' || c == ')' || (c == '+' && i == 0);
  }
  if (only_allowed && digits >= 6 && digits <= 20) return std::nullopt;
  return UrlProblem{"`" + std::string(key) + "` is not a telephone number (\"" + std::string(number) + "\")",
                    "write only its digits, with spaces where they are read out, e.g. phone = \"03000 410234\""};
}

bool looks_like_url(std::string_view source) {
  const std::string s = text::trim(source);
  if (s.empty() || s.find_first_of(" \t\n") != std::string::npos) return false;
  return !effective_scheme(s).empty() || s.starts_with("@/") || s.starts_with("//") || text::starts_with_ci(s, "www.");
}

ContentLink split_content_link(std::string_view url) {
  ContentLink link;
  std::string target(url.substr(url.starts_with("@/") ? 2 : 0));
  if (const auto hash = target.find('#'); hash != std::string::npos) {
    link.anchor = target.substr(hash + 1);
    target.resize(hash);
  }
  // "@/../x" must not reach outside content/: normalise, and an address that
  // climbs out keeps its ".." so it matches no file and is reported.
  link.target_path = std::filesystem::path("content/" + target).lexically_normal().generic_string();
  return link;
}

bool is_loopback(const std::string& host) {
  // 127.0.0.0/8 written as an address, not a name that starts so.
  const bool ipv4 = host.starts_with("127.") && host.find_first_not_of("0123456789.") == std::string::npos &&
                    std::count(host.begin(), host.end(), '.') == 3;
  return host == "localhost" || host == "::1" || host == "[::1]" || ipv4;
}

}  // namespace portal
