#include "theme.h"

#include "files.h"
#include "text.h"
#include "theme_ids.h"

#include <algorithm>
#include <mutex>
#include <random>

namespace portal {

namespace fs = std::filesystem;

const std::string* Theme::find(const std::string& name) const {
  const auto it = templates.find(name);
  return it == templates.end() ? nullptr : &it->second;
}

namespace {

// mstch's own escaping also encodes '/', which makes every URL unreadable in
// the source; HTML needs only these five characters escaped. mstch keeps it
// in a global: it is set once, before the first render of any thread.
void use_html_escaping() {
  static std::once_flag once;
  std::call_once(once, [] { mstch::config::escape = [](const std::string& s) { return text::html_escape(s); }; });
}

// Text that no rendered page can hold: control characters around 128
// random bits, new for each process.
const std::string& page_separator() {
  static const std::string separator = [] {
    std::random_device random;
    std::string s = "\x1f";
    for (int i = 0; i < 4; ++i) s += std::to_string(random()) + "-";
    return s + "\x1f";
  }();
  return separator;
}

// The list of a batch's page contexts, made when mstch first asks for it.
// mstch copies the node it renders from, and every node it enters: as an
// object (held by a shared pointer) the list costs nothing to copy, so each
// page's context is copied only when mstch enters it.
class BatchPages : public mstch::object {
 public:
  BatchPages(std::size_t count, const std::function<mstch::node(std::size_t)>& context)
      : count_(count), context_(context) {
    register_methods(this, {{"portal batch pages", &BatchPages::pages}});
  }

 private:
  mstch::node pages() {
    mstch::array all;
    all.reserve(count_);
    for (std::size_t i = 0; i < count_; ++i) all.push_back(context_(i));
    return all;
  }
  std::size_t count_;
  const std::function<mstch::node(std::size_t)>& context_;
};

}  // namespace

std::string Theme::render(const std::string& name, const mstch::node& context) const {
  use_html_escaping();
  static const std::map<std::string, std::string> no_partials;
  const auto partials = partials_of.find(name);
  return mstch::render(templates.at(name), context, partials == partials_of.end() ? no_partials : partials->second);
}

std::vector<std::string> Theme::render_each(const std::string& name, std::size_t count,
                                            const std::function<mstch::node(std::size_t)>& context) const {
  // mstch parses a template and every partial it is given on each call, and
  // has no way to keep them parsed. So one call renders the whole batch: a
  // template that renders the page template, given as a partial, for each
  // context of a list, each page followed by a separator, and the output is
  // cut at the separators. A partial tag that is not alone on its line
  // renders the partial exactly as a call of its own would. Names with
  // spaces are no theme's file name and no context's key.
  use_html_escaping();
  const std::string& separator = page_separator();
  const std::string batch = "{{#portal batch pages}}{{> portal batch page}}" + separator + "{{/portal batch pages}}";
  std::map<std::string, std::string> partials;
  if (const auto used = partials_of.find(name); used != partials_of.end()) partials = used->second;
  partials["portal batch page"] = templates.at(name);
  const std::string all = mstch::render(batch, std::make_shared<BatchPages>(count, context), partials);
  std::vector<std::string> pages;
  pages.reserve(count);
  std::size_t start = 0;
  for (auto end = all.find(separator); end != std::string::npos; end = all.find(separator, start)) {
    pages.emplace_back(all, start, end - start);
    start = end + separator.size();
  }
  if (pages.size() == count && start == all.size()) return pages;
  // Not one page per context (which no content can cause): render each alone.
  pages.clear();
  for (std::size_t i = 0; i < count; ++i) pages.push_back(render(name, context(i)));
  return pages;
}

const std::vector<std::string>& required_templates() {
  static const std::vector<std::string> names = {
      "home",     "page",     "agreement",  "meeting", "notes",   "paper",      "dhr",
      "bulletin", "event",    "list",       "404",     "compare", "agreements", "meetings",
      "events",   "priority", "priorities", "plan",    "plans",   "search",     "email"};
  return names;
}

Result<Theme> load_theme(const fs::path& root, const std::string& name) {
  std::error_code ec;
  const auto folder = theme_folder(root, name);
  if (!folder)
    return fail("there is no theme \"" + name + "\" in " + (root / "themes").string() +
                "; set `theme` in site.toml to the name of a folder under themes/");
  const fs::path& dir = *folder;
  Theme theme;
  for (const auto& entry : fs::directory_iterator(dir / "templates", ec)) {
    if (entry.path().extension() != ".mustache") continue;
    theme.templates[entry.path().stem().string()] = read_file(entry.path()).value_or(std::string());
  }
  for (const auto& required : required_templates()) {
    if (!theme.find(required)) return fail("the theme \"" + name + "\" lacks templates/" + required + ".mustache");
  }
  for (const auto& [template_name, text] : theme.templates) {
    auto& partials = theme.partials_of[template_name];
    std::vector<std::string> pending = {template_name};
    while (!pending.empty()) {
      const std::string current = pending.back();
      pending.pop_back();
      const std::string* body = theme.find(current);
      if (!body) continue;
      for (auto at = body->find("{{>"); at != std::string::npos; at = body->find("{{>", at + 3)) {
        const auto end = body->find("}}", at);
        if (end == std::string::npos) break;
        std::string partial = body->substr(at + 3, end - at - 3);
        partial.erase(0, partial.find_first_not_of(' '));
        partial.erase(partial.find_last_not_of(' ') + 1);
        if (const std::string* p = theme.find(partial); p && !partials.count(partial)) {
          partials[partial] = *p;
          pending.push_back(partial);
        }
      }
    }
  }
  theme.root_dir = dir / "root";
  if (fs::is_directory(theme.root_dir, ec)) {
    for (const auto& entry : fs::directory_iterator(theme.root_dir, ec))
      if (entry.is_regular_file(ec)) theme.root_files.push_back(entry.path().filename().string());
    std::sort(theme.root_files.begin(), theme.root_files.end());
  }
  theme.static_dir = dir / "static";
  if (fs::is_directory(theme.static_dir, ec)) {
    for (fs::recursive_directory_iterator it(theme.static_dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec))
        theme.static_files.push_back(fs::relative(it->path(), theme.static_dir, ec).generic_string());
    }
    std::sort(theme.static_files.begin(), theme.static_files.end());
  }
  if (ec) return fail("cannot read the theme \"" + name + "\": " + ec.message());
  return theme;
}

}  // namespace portal
