// Where a theme's files are, and the ids its templates give a document's page
// (its sections.toml), which the site needs before any page is drawn: links
// may point at a section, and a text's headings must not take a section's id.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"

namespace portal {

// The themes that ship with the program: beside an installed program
// (bin/../share/portal/themes), else those of the checkout it was built in.
std::filesystem::path shipped_themes();

// The folder of theme `name`: the site's themes/<name>/ when it holds
// templates, else the one that ships with the program; nullopt when neither
// does, or the name is not a plain folder name.
std::optional<std::filesystem::path> theme_folder(const std::filesystem::path& root, const std::string& name);

struct ThemeIds {
  // A section's id by the front-matter field that shows it ("changes" → "version-control").
  std::map<std::string, std::string, std::less<>> sections;
  std::vector<std::string> page;  // every other id a document's page may carry
  std::vector<std::string> home;  // and the home page's own
  std::string item_prefix;        // an agenda item's id is this followed by its code ("item-b1")
  // Not an id, but the theme's as well: the widest a picture of a text is shown, in
  // pixels (the editor makes an uploaded picture no wider). From [pictures] widest.
  int widest_picture = 1280;

  // The id of the agenda item with `code` on its meeting's page; empty when
  // the theme gives items none or the item has no code.
  [[nodiscard]] std::string item_id(std::string_view code) const;

  // The id of the section `field` shows; empty when the theme has none.
  [[nodiscard]] std::string section(std::string_view field) const;
};

// Reads <theme>/sections.toml; nullopt, with what is wrong reported against
// `shown` (the path a reader knows it by), when it cannot be read.
std::optional<ThemeIds> read_theme_ids(const std::filesystem::path& theme, const std::string& shown,
                                       Diagnostics& diags);

}  // namespace portal
