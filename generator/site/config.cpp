#include "config.h"

#include "fields.h"
#include "front_matter.h"
#include "text.h"
#include "url_scheme.h"
#include "urls.h"

namespace portal {

Done check_base_url(std::string_view url, std::string_view key) {
  if (const auto problem = url_problem(url, key, UrlAlso::nothing)) return fail(problem->message);
  if (url.empty()) return fail("`" + std::string(key) + "` is empty");
  if (url.find_first_of("?#") != std::string_view::npos)
    return fail("`" + std::string(key) + "` must be the address of a folder, without ? or #");
  return {};
}

std::string as_folder(std::string_view url) {
  std::string folder(url);
  if (!folder.ends_with('/')) folder += '/';
  return folder;
}

bool is_placeholder_address(std::string_view base_url) {
  std::string host = urls::origin(base_url);
  if (const auto slashes = host.find("//"); slashes != std::string::npos) host.erase(0, slashes + 2);
  if (const auto at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
  if (host.starts_with('[')) return host.starts_with("[::1]");
  host = text::to_lower_ascii(host.substr(0, host.find(':')));
  while (host.ends_with('.')) host.pop_back();
  for (const char* placeholder : {"example.org", "example.com", "example.net", "localhost"})
    if (host == placeholder || host.ends_with(std::string(".") + placeholder)) return true;
  return host.starts_with("127.");
}

std::string placeholder_warning(std::string_view base_url) {
  return "the site's address is " + std::string(base_url) +
         ", a placeholder: its feed, calendars, sitemap, e-mail copy and printed links point there. Set base_url in "
         "site.toml, or give portal build --base-url URL (or the environment variable PORTAL_BASE_URL)";
}

namespace {

// `[kind_priorities]`: the priorities every document of a kind is about.
void read_kind_priorities(FieldReader& r, SiteConfig& c, const std::string& path, Diagnostics& local) {
  const char* rule = "config";
  const auto* k = r.table("kind_priorities");
  if (!k) return;
  FieldReader kr(*k, path, 1, rule, local, "the [kind_priorities] table");
  for (const auto& [kind, ids] : *k) {
    const std::string name(kind.str());
    auto list = kr.strings(name);
    if (name != "paper" && name != "notes" && name != "dhr" && name != "bulletin" && name != "event")
      local.error(path, kr.key_pos(name), rule, "`" + name + "` is not a kind of document priorities follow",
                  "use paper, notes, dhr, bulletin or event");
    else
      c.kind_priorities[name] = std::move(list);
  }
  kr.finish();
}

}  // namespace

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
    if (const auto valid = check_base_url(v->value, "base_url"); !valid)
      local.error(path, v->pos, rule, valid.error(), "write it like base_url = \"https://example.org/portal/\"");
    c.base_url = as_folder(v->value);
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
  read_kind_priorities(r, c, path, local);
  if (const auto* t = r.table("contact")) {
    FieldReader cr(*t, path, 1, rule, local, "the [contact] table");
    if (auto e = cr.string("email")) {
      if (const auto problem = email_problem(e->value, "email"))
        local.error(path, e->pos, rule, problem->message, problem->hint);
      else
        c.contact_email = e->value;
    }
    if (auto p = cr.string("phone")) {
      // A warning: a number written otherwise ("ext. 12") still shows, as it always has.
      if (const auto problem = phone_problem(p->value, "phone"))
        local.warning(path, p->pos, rule, problem->message, problem->hint);
      c.contact_phone = p->value;
    }
    cr.finish();
  }
  r.finish();
  const bool ok = !local.has_errors();
  diags.append(local);
  if (!ok) return std::nullopt;
  return c;
}

}  // namespace portal
