// site.toml: its keys, types and defaults (README.md, docs/content-format.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"
#include "fields.h"
#include "result.h"
#include "timezone.h"

namespace portal {

enum class HistoryMode { full, dates, none };

struct SiteConfig {
  std::string title;
  std::string partnership;
  std::string base_url;  // absolute, ends with '/'
  std::string language = "en-GB";
  std::string theme = "default";
  std::string output_dir = "public";
  bool allow_raw_html = false;
  HistoryMode history_mode = HistoryMode::full;
  std::string commit_url;
  bool show_authors = false;
  std::string contact_email;
  std::string contact_phone;
  TimeZone time_zone;  // of every local date-time (calendars); Europe/London unless `timezone` says
  // Priorities a kind of document is about by what it is (`[kind_priorities]`,
  // e.g. dhr = ["domestic-abuse"]): counted as each such document's own tags.
  std::map<std::string, std::vector<Located<std::string>>> kind_priorities;
};

// Whether `url` can be a site's address (base_url, named `key` in messages):
// an absolute https:// or http:// address of a folder, without ? or #.
Done check_base_url(std::string_view url, std::string_view key);
// The address with the "/" that ends a folder's.
std::string as_folder(std::string_view url);
// Whether the address is a placeholder that leads to no real site
// (example.org, example.com, example.net, localhost, 127.x, [::1]): feeds,
// calendars, the sitemap and the e-mail copy made for it point nowhere.
bool is_placeholder_address(std::string_view base_url);
// What a build says of a placeholder address, and where to set the real one.
std::string placeholder_warning(std::string_view base_url);

// Parses site.toml's text; problems are `config` diagnostics against `path`.
std::optional<SiteConfig> parse_config(std::string_view text, const std::string& path, Diagnostics& diags);

}  // namespace portal
