// The site's address scheme, in one place: the sections, the pages the portal makes
// and where each kind of document goes (site.cpp's url_for), from the site's root ("/…").
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace portal::urls {

inline constexpr char agreements[] = "/agreements/";
inline constexpr char meetings[] = "/meetings/";
inline constexpr char events[] = "/events/";
inline constexpr char dhrs[] = "/dhr/";
inline constexpr char bulletins[] = "/bulletins/";
inline constexpr char priorities[] = "/priorities/";
inline constexpr char plans[] = "/plans/";
inline constexpr char decisions[] = "/decisions/";
inline constexpr char search[] = "/search/";
inline constexpr char search_meta[] = "/search/meta.json";
inline constexpr char bulletins_feed[] = "/feeds/bulletins.xml";
inline constexpr char events_calendar[] = "/events/upcoming.ics";
inline constexpr char sitemap[] = "/sitemap.xml";
inline constexpr char robots[] = "/robots.txt";
inline constexpr char not_found[] = "/404.html";
inline constexpr char stylesheet[] = "/assets/portal.css";
inline constexpr char search_script[] = "/assets/search.js";
inline constexpr char favicon[] = "/favicon.ico";

// Every address above: a document of the content tree may not take one of them.
inline constexpr std::array<std::string_view, 18> generated = {
    agreements,  meetings,       dhrs,    bulletins, events,    priorities,      plans,      decisions,     search,
    search_meta, bulletins_feed, sitemap, robots,    not_found, events_calendar, stylesheet, search_script, favicon};

// The page named `name` in a section ("/dhr/" and "dhr-2019-01" give "/dhr/dhr-2019-01/").
inline std::string under(std::string_view section, std::string_view name) {
  return std::string(section) + std::string(name) + "/";
}
// The page of one priority or cross-cutting theme, by its id, and of one partner plan.
inline std::string priority(std::string_view id) { return under(priorities, id); }
inline std::string plan(std::string_view id) { return under(plans, id); }

namespace detail {
// Where the host of base_url begins, just after "scheme://" (npos when it has no "//").
inline std::size_t host_start(std::string_view base_url) {
  const auto slashes = base_url.find("//");
  return slashes == std::string_view::npos ? slashes : slashes + 2;
}
}  // namespace detail

// The path the site is served under, from its base_url: "/portal/" for
// https://example.org/portal/, "/" for https://example.org/ (and for a base_url without a host).
inline std::string root_path(std::string_view base_url) {
  const auto host = detail::host_start(base_url);
  const auto path = host == std::string_view::npos ? host : base_url.find('/', host);
  return path == std::string_view::npos ? "/" : std::string(base_url.substr(path));
}
// The scheme and host of base_url, without a path ("https://example.org"); without
// a "//", all of base_url before its first '/'.
inline std::string origin(std::string_view base_url) {
  const auto host = detail::host_start(base_url);
  return std::string(base_url.substr(0, base_url.find('/', host == std::string_view::npos ? 0 : host)));
}

}  // namespace portal::urls
