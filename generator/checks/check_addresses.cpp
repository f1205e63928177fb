// broken-link for links written as an address instead of `@/`: a path from
// the site's root ("/events/…/"), the site's own public address, or this
// computer's (the preview's "http://127.0.0.1:1313/…", "localhost"). Such a
// link is what a person copies from the address bar; it is never checked
// against the content, breaks when the site is served under a path of its
// own, and, on this computer, opens for no reader at all.
#include <algorithm>

#include "check_rules.h"
#include "checks.h"
#include "text.h"
#include "url_scheme.h"
#include "urls.h"

namespace portal {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

struct SiteAddress {
  std::string path;    // from the site's root: "/events/2024-01-01-x/"
  std::string anchor;  // without '#'
  bool local = false;  // on this computer
};

// The host of an authority ("user@host:port"), lower-cased, without its port.
std::string host_of(std::string_view authority) {
  std::string host =
      lower(authority.substr(authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1));
  if (host.starts_with('[')) return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.rfind(':'));
}

// `url` as an address of this site or of this computer, or nullopt when it is neither.
std::optional<SiteAddress> site_address(const Site& site, std::string_view url) {
  SiteAddress out;
  std::string_view rest;
  if (url.starts_with('/') && !url.starts_with("//")) {
    rest = url;
  } else {
    const std::string scheme = effective_scheme(url);
    const auto slashes = url.find("//");
    if ((scheme != "http" && scheme != "https") || slashes == std::string_view::npos) return std::nullopt;
    const auto path_start = std::min(url.find_first_of("/?#", slashes + 2), url.size());
    const std::string host = host_of(url.substr(slashes + 2, path_start - slashes - 2));
    out.local = is_loopback(host) || host == "0.0.0.0" || host == "[::]";
    rest = path_start == url.size() ? std::string_view("/") : url.substr(path_start);
    const bool ours = lower(url.substr(0, path_start)) == lower(urls::origin(site.config.base_url)) &&
                      rest.starts_with(urls::root_path(site.config.base_url));
    if (!out.local && !ours) return std::nullopt;
  }
  const auto hash = rest.find('#');
  if (hash != std::string_view::npos) out.anchor = std::string(rest.substr(hash + 1));
  std::string_view path = rest.substr(0, std::min(rest.find_first_of("?#"), rest.size()));
  // Under the path the site is served at (the preview serves it at "/", the public site at base_url's path).
  for (const std::string& root : {site.root_path, urls::root_path(site.config.base_url)})
    if (root != "/" && path.starts_with(root)) {
      path.remove_prefix(root.size() - 1);
      break;
    }
  out.path = path.empty() ? std::string("/") : std::string(path);
  return out;
}

// The content file of the published page or file at `path`, without "content/", or "".
std::string file_at(const Site& site, const std::string& path) {
  const std::string with_slash = path.ends_with('/') ? path : path + "/";
  for (std::size_t i = 0; i < site.size(); ++i)
    if (site.published(i) && (site.document(i).url == path || site.document(i).url == with_slash))
      return site.document(i).path.substr(8);
  for (const auto& asset : site.assets)
    if (asset.published && asset.url == path) return asset.path.substr(8);
  return {};
}

// A page the portal makes itself: a section's list, a feed, a priority's or a plan's page, a comparison.
bool made_by_portal(const std::string& path) {
  if (path == "/" || std::find(urls::generated.begin(), urls::generated.end(), path) != urls::generated.end())
    return true;
  const bool comparison = path.starts_with(urls::agreements) && path.ends_with("/changes/");
  return path.starts_with(urls::priorities) || path.starts_with(urls::plans) || comparison;
}

std::string closest_page(const Site& site, const std::string& path) {
  std::vector<std::string> urls;
  for (std::size_t i = 0; i < site.size(); ++i)
    if (site.published(i)) urls.push_back(site.document(i).url);
  const std::string guess = text::closest(path, urls);
  return guess.empty() ? guess : file_at(site, guess);
}

}  // namespace

std::optional<std::string> content_link_for(const Site& site, std::string_view url) {
  const auto address = site_address(site, text::trim(url));
  if (!address) return std::nullopt;
  const std::string file = file_at(site, address->path);
  if (file.empty()) return std::nullopt;
  return "@/" + file + (address->anchor.empty() ? "" : "#" + address->anchor);
}

void check_site_address(const Site& site, const std::string& file, const Link& link, Diagnostics& diags) {
  const auto address = site_address(site, link.url);
  if (!address) return;
  const std::string target = file_at(site, address->path);
  const std::string anchor = address->anchor.empty() ? "" : "#" + address->anchor;
  const std::string how = "link to a page by its file under content/, written after @/, e.g. @/events/2024-01-01.md";
  if (address->local) {
    diags.error(file, link.pos, "broken-link",
                "the link " + link.url + " is an address on this computer, which no reader of the site can open",
                target.empty() ? how : "write it as @/" + target + anchor);
  } else if (!target.empty()) {
    diags.error(file, link.pos, "broken-link",
                "the link " + link.url + " is written as an address of this site, so it is never checked",
                "write it as @/" + target + anchor);
  } else if (!made_by_portal(address->path)) {
    const std::string guess = closest_page(site, address->path);
    diags.error(file, link.pos, "broken-link", "the link " + link.url + " points at no page of this site",
                guess.empty() ? how : "did you mean @/" + guess + "?");
  }
}

}  // namespace portal
