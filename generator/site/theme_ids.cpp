#include "theme_ids.h"

#include <cctype>

#include "fields.h"
#include "files.h"
#include "front_matter.h"

#ifndef PORTAL_THEMES_DIR
#define PORTAL_THEMES_DIR "themes"
#endif
#ifndef PORTAL_INSTALLED_THEMES
#define PORTAL_INSTALLED_THEMES "../share/portal/themes"
#endif

namespace portal {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRule = "theme";

}  // namespace

fs::path shipped_themes() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = (self.parent_path() / PORTAL_INSTALLED_THEMES).lexically_normal();
    if (fs::is_directory(installed, ec)) return installed;
  }
  return PORTAL_THEMES_DIR;
}

std::optional<fs::path> theme_folder(const fs::path& root, const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name.starts_with('.')) return std::nullopt;
  std::error_code ec;
  for (const fs::path& dir : {root / "themes" / name, shipped_themes() / name})
    if (fs::is_directory(dir / "templates", ec)) return dir;
  return std::nullopt;
}

std::string ThemeIds::section(std::string_view field) const {
  const auto it = sections.find(field);
  return it == sections.end() ? std::string() : it->second;
}

std::string ThemeIds::item_id(std::string_view code) const {
  if (item_prefix.empty() || code.empty()) return {};
  std::string id = item_prefix;
  for (const char c : code)
    id += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  return id;
}

std::optional<ThemeIds> read_theme_ids(const fs::path& theme, const std::string& shown, Diagnostics& diags) {
  const auto text = read_file(theme / "sections.toml");
  if (!text) {
    diags.error(shown, {}, kRule, "the theme has no sections.toml",
                "give the theme a sections.toml naming the ids of its pages' sections (see themes/default/)");
    return std::nullopt;
  }
  auto table = parse_toml(*text, shown, 1, kRule, diags);
  if (!table) return std::nullopt;
  const int errors = diags.errors();
  FieldReader r(*table, shown, 1, kRule, diags, "sections.toml");
  ThemeIds ids;
  if (const auto* sections = r.table("sections")) {
    FieldReader sr(*sections, shown, 1, kRule, diags, "the [sections] table");
    for (const auto& [field, id] : *sections)
      if (auto v = sr.string(std::string(field.str()), Required::yes))
        ids.sections[std::string(field.str())] = v->value;
    sr.finish();
  }
  auto read_ids = [&](const char* key, std::vector<std::string>& out) {
    const auto* t = r.table(key);
    if (!t) return;
    FieldReader tr(*t, shown, 1, kRule, diags, std::string("the [") + key + "] table");
    for (auto& id : tr.strings("ids")) out.push_back(std::move(id.value));
    tr.finish();
  };
  read_ids("page", ids.page);
  read_ids("home", ids.home);
  if (const auto* agenda = r.table("agenda")) {
    FieldReader ar(*agenda, shown, 1, kRule, diags, "the [agenda] table");
    if (auto prefix = ar.string("item_id_prefix")) ids.item_prefix = prefix->value;
    ar.finish();
  }
  if (const auto* pictures = r.table("pictures")) {
    FieldReader pr(*pictures, shown, 1, kRule, diags, "the [pictures] table");
    if (auto widest = pr.integer("widest")) {
      if (widest->value < 100 || widest->value > 4000)
        diags.error(shown, widest->pos, kRule, "[pictures] widest is " + std::to_string(widest->value) + " pixels",
                    "give the width a picture is shown at most, from 100 to 4000 pixels");
      else
        ids.widest_picture = static_cast<int>(widest->value);
    }
    pr.finish();
  }
  r.finish();
  if (diags.errors() != errors) return std::nullopt;
  return ids;
}

}  // namespace portal
