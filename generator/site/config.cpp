#include "config.h"

#include "fields.h"
#include "front_matter.h"

namespace portal {

std::optional<SiteConfig> parse_config(std::string_view raw, const std::string& path, Diagnostics& diags) {
  const char* rule = "config";
  Diagnostics local;
  auto text = normalise_source(raw, path, rule, local);
  std::optional<toml::table> table;
  if (text) table = parse_toml(*text, path, 1, rule, local);
  if (!table) {
    diags.append(local);
    return std::nullopt;
  }
  SiteConfig c;
  FieldReader r(*table, path, 1, rule, local, "site.toml");
  auto req = [&](const char* key) {
    auto v = r.string(key, Required::yes);
    return v ? v->value : std::string();
  };
  c.title = req("title");
  c.partnership = req("partnership");
  if (auto v = r.string("base_url", Required::yes)) {
    c.base_url = v->value;
    const auto problem = url_problem(c.base_url, "base_url", UrlAlso::nothing);
    if (problem || c.base_url.empty()) {
      local.error(path, v->pos, rule, problem ? problem->message : "`base_url` is empty",
                  "write it like base_url = \"https://example.org/portal/\"");
    } else if (c.base_url.find_first_of("?#") != std::string::npos) {
      local.error(path, v->pos, rule, "`base_url` must be the address of a folder, without ? or #",
                  "write it like base_url = \"https://example.org/portal/\"");
    }
    if (!c.base_url.ends_with('/')) c.base_url += '/';
  }
  if (auto v = r.string("language")) c.language = v->value;
  if (auto v = r.string("theme")) c.theme = v->value;
  if (auto v = r.string("output_dir")) c.output_dir = v->value;
  c.allow_raw_html = r.boolean("allow_raw_html");
  {
    const auto zone = r.string("timezone");
    if (auto loaded = load_time_zone(zone ? zone->value : "Europe/London")) {
      c.time_zone = std::move(*loaded);
    } else {
      local.error(path, zone ? zone->pos : Pos{}, rule, loaded.error(),
                  zone ? "write the zone's IANA name, e.g. timezone = \"Europe/London\""
                       : "install the system's time zone data (Debian: apt-get install tzdata)");
    }
  }

  if (const auto* h = r.table("history")) {
    FieldReader hr(*h, path, 1, rule, local, "the [history] table");
    if (auto m = hr.string("mode")) {
      if (m->value == "full")
        c.history_mode = HistoryMode::full;
      else if (m->value == "dates")
        c.history_mode = HistoryMode::dates;
      else if (m->value == "none")
        c.history_mode = HistoryMode::none;
      else
        local.error(path, m->pos, rule, "`mode` must be \"full\", \"dates\" or \"none\", not \"" + m->value + "\"",
                    "write mode = \"full\"");
    }
    if (auto u = hr.url("commit_url")) c.commit_url = u->value;
    c.show_authors = hr.boolean("show_authors");
    hr.finish();
  }
  if (const auto* t = r.table("contact")) {
    FieldReader cr(*t, path, 1, rule, local, "the [contact] table");
    if (auto e = cr.string("email")) {
      if (const auto problem = email_problem(e->value, "email"))
        local.error(path, e->pos, rule, problem->message, problem->hint);
      else
        c.contact_email = e->value;
    }
    if (auto p = cr.string("phone")) c.contact_phone = p->value;
    cr.finish();
  }
  r.finish();
  const bool ok = !local.has_errors();
  diags.append(local);
  if (!ok) return std::nullopt;
  return c;
}

}  // namespace portal
