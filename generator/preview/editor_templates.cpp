#include "editor_templates.h"

#include <map>
#include <stdexcept>
#include <string_view>

#include <toml++/toml.h>

#include "editor_assets.h"
#include "json.h"
#include "theme.h"

namespace portal {

namespace {

// The list of ids, as written in editor/ids.toml.
const toml::table& id_list() {
  static const toml::table list = toml::parse(editor_assets().at("ids.toml"), std::string_view("editor/ids.toml"));
  return list;
}

// Each id of the list, by its name there.
const std::map<std::string, std::string>& ids_by_name() {
  static const std::map<std::string, std::string> ids = [] {
    std::map<std::string, std::string> out;
    for (const auto& [name, id] : id_list()) out.emplace(name.str(), id.value_or(std::string()));
    return out;
  }();
  return ids;
}

// The list as the templates have it: {{ids.form}}.
mstch::map ids_context() {
  mstch::map out;
  for (const auto& [name, id] : ids_by_name()) out.emplace(name, id);
  return out;
}

// The templates are written an element a line, indented, for people to read;
// the editor's pages have no line breaks but those they need. So a line
// break, with the spaces that indent the next line, is no part of the page:
// a template breaks its lines only between tags, and writes a line break the
// page needs as {{newline}} (one after <textarea>, whose first line break the
// HTML parser drops, keeps a text's own first blank line).
std::string without_line_breaks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
  }
  return out;
}

// The templates as a theme, so that they are made as the site's pages are,
// escaped for HTML in the same way. Any may use any other as a partial.
const Theme& templates() {
  static const Theme theme = [] {
    constexpr std::string_view suffix = ".mustache";
    Theme t;
    for (const auto& [file, text] : editor_assets())
      if (file.ends_with(suffix))
        t.templates.emplace(file.substr(0, file.size() - suffix.size()), without_line_breaks(text));
    for (const auto& [name, text] : t.templates) t.partials_of[name] = t.templates;
    return t;
  }();
  return theme;
}

std::string render(const std::string& name, mstch::map context) {
  context.emplace("ids", ids_context());
  context.emplace("newline", std::string("\n"));
  return templates().render(name, context);
}

}  // namespace

const std::string& editor_id(const std::string& name) {
  const auto found = ids_by_name().find(name);
  if (found == ids_by_name().end()) throw std::logic_error("editor/ids.toml has no id named " + name);
  return found->second;
}

std::string editor_page(const std::string& name, mstch::map context, const std::string& title,
                        const std::string& secret) {
  const std::string main = render(name, std::move(context));
  return render("page", {{"title", title}, {"secret", secret}, {"main", main}});
}

const std::string& editor_script() {
  static const std::string script = "var editorIds = " + to_json(id_list(), JsonLayout::compact) + ";\n" +
                                    std::string(editor_assets().at("editor.js"));
  return script;
}

}  // namespace portal
