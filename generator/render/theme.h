// A theme: Mustache templates (themes/<name>/templates/*.mustache) and static
// files (themes/<name>/static/, published under /assets/).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mstch/mstch.hpp>

#include "result.h"

namespace portal {

struct Theme {
  std::map<std::string, std::string> templates;  // "agreement" → template text; also the partials
  std::vector<std::string> static_files;         // relative to static/, '/'-separated
  std::filesystem::path static_dir;
  // Files published at the site's root (themes/<name>/root/, e.g. favicon.ico).
  std::vector<std::string> root_files;
  std::filesystem::path root_dir;

  // The partials a template uses ({{> name}}), transitively: mstch parses every
  // partial it is given on every render, so each page gets only its own.
  std::map<std::string, std::map<std::string, std::string>> partials_of;

  [[nodiscard]] const std::string* find(const std::string& name) const;
  // Template `name` (which must exist) rendered with `context`, escaping for
  // HTML. Safe to call from several threads at once.
  [[nodiscard]] std::string render(const std::string& name, const mstch::node& context) const;
  // The same template rendered for `count` contexts, made by `context(i)`,
  // in order, parsing the template and its partials once for all of them
  // rather than once each.
  [[nodiscard]] std::vector<std::string> render_each(const std::string& name, std::size_t count,
                                                     const std::function<mstch::node(std::size_t)>& context) const;
};

// Templates every theme must have: one per kind, the section list and the 404 page.
const std::vector<std::string>& required_templates();

// Loads themes/<name>/ from the site's own folder, else from the themes that
// ship with the generator; fails when it is missing or incomplete.
Result<Theme> load_theme(const std::filesystem::path& root, const std::string& name);

}  // namespace portal
