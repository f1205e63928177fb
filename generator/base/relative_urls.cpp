// Addresses between the pages of a site: one page's relative address for
// another, the site path a relative address leads to, and percent-encoding.
#include <cctype>
#include <cstring>
#include <vector>

#include "text.h"

namespace portal::text {

namespace {

// `s` with every byte but ASCII letters, digits and those of `kept` percent-encoded.
std::string percent_encoded(std::string_view s, const char* kept) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || (c != 0 && std::strchr(kept, c) != nullptr)) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string encode_url_path(std::string_view path) { return percent_encoded(path, "-._~/!$&'()*+,;=:@"); }

std::string encode_query_value(std::string_view value) { return percent_encoded(value, "-._~/"); }

std::string resolve_relative(std::string_view from, std::string_view href) {
  // The form relative_url() writes: some "../", then a path without dot segments.
  {
    std::string_view rest = href;
    std::size_t up = 0;
    while (rest.starts_with("../")) {
      rest.remove_prefix(3);
      ++up;
    }
    if (rest.starts_with("./")) rest.remove_prefix(2);
    const std::string_view path = rest.substr(0, rest.find_first_of("?#"));
    const bool plain = path.find("/./") == std::string_view::npos && path.find("/../") == std::string_view::npos &&
                       path != "." && path != ".." && !path.starts_with("../") && !path.ends_with("/.") &&
                       !path.ends_with("/..");
    std::string_view folder = from.substr(0, from.rfind('/') + 1);  // "/a/b/"
    std::size_t k = 0;
    while (plain && k < up && folder.size() > 1) {
      folder.remove_suffix(1);
      folder = folder.substr(0, folder.rfind('/') + 1);
      ++k;
    }
    if (plain && k == up) return std::string(folder) + std::string(rest);
  }
  const auto suffix_at = href.find_first_of("?#");
  const std::string_view path = href.substr(0, suffix_at);
  const std::string_view suffix = suffix_at == std::string_view::npos ? std::string_view() : href.substr(suffix_at);
  std::vector<std::string_view> parts;
  auto push = [&](std::string_view segment, bool last) {
    if (segment == "..") {
      if (!parts.empty()) parts.pop_back();
      if (last) parts.emplace_back();
    } else if (segment == ".") {
      if (last) parts.emplace_back();
    } else if (!segment.empty() || last) {
      parts.push_back(segment);
    }
  };
  const std::string_view folder = from.substr(0, from.rfind('/') + 1);
  for (std::size_t at = 1; at < folder.size();) {
    const auto slash = folder.find('/', at);
    push(folder.substr(at, slash - at), false);
    at = slash + 1;
  }
  for (std::size_t at = 0; at <= path.size();) {
    const auto slash = path.find('/', at);
    const bool last = slash == std::string_view::npos;
    push(path.substr(at, last ? std::string_view::npos : slash - at), last);
    if (last) break;
    at = slash + 1;
  }
  std::string out;
  for (const auto part : parts) {
    out += '/';
    out += part;
  }
  if (out.empty()) out = "/";
  return out + std::string(suffix);
}

std::string relative_url(std::string_view from, std::string_view to) {
  // Folder of `from`: everything up to its last '/'.
  const auto from_dir = from.substr(0, from.rfind('/') + 1);
  std::size_t common = 0;
  std::size_t last_slash = 0;
  while (common < from_dir.size() && common < to.size() && from_dir[common] == to[common]) {
    if (from_dir[common] == '/') last_slash = common + 1;
    ++common;
  }
  std::string out;
  for (std::size_t i = last_slash; i < from_dir.size(); ++i)
    if (from_dir[i] == '/') out += "../";
  out += to.substr(last_slash);
  if (out.empty()) out = "./";
  return encode_url_path(out);
}

}  // namespace portal::text
