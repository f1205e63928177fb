// site.toml: its keys, types and defaults (README.md, docs/content-format.md).
#pragma once

#include <optional>
#include <string>

#include "diagnostics.h"
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
};

// Parses site.toml's text; problems are `config` diagnostics against `path`.
std::optional<SiteConfig> parse_config(std::string_view text, const std::string& path, Diagnostics& diags);

}  // namespace portal
