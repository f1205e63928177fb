#include "history_view.h"

#include "markdown.h"
#include "text.h"

namespace portal {

using mstch::array;
using mstch::map;

HistoryMode history_mode(const Site& site, const Document& d) {
  // An earlier text of a published review may hold what was redacted before
  // publication, so reviews never show their commits.
  if (d.kind == Kind::dhr) return HistoryMode::dates;
  return site.config.history_mode;
}

namespace {

// Whether a commit changed anything that is not published (or no longer exists).
bool touched_unpublished(const Site& site, const Commit& c) {
  if (c.touched_unkept) return true;
  for (const auto& path : c.paths) {
    if (const auto it = site.by_path.find(path); it != site.by_path.end()) {
      if (!site.published(it->second)) return true;
    } else if (const auto a = site.asset_by_path.find(path); a != site.asset_by_path.end()) {
      if (!site.assets[a->second].published) return true;
    } else if (path != "content/plans.toml") {
      return true;
    }
  }
  return false;
}

std::string commit_link(const Site& site, const Commit& c) {
  std::string url = site.config.commit_url;
  if (url.empty()) return url;
  for (auto at = url.find("{hash}"); at != std::string::npos; at = url.find("{hash}", at + c.hash.size()))
    url.replace(at, 6, c.hash);
  return url;
}

}  // namespace

std::vector<char> private_commits(const Site& site, const History& history) {
  std::vector<char> out(history.commits.size(), 0);
  for (std::size_t i = 0; i < history.commits.size(); ++i) out[i] = touched_unpublished(site, history.commits[i]);
  return out;
}

void add_history(map& ctx, const Site& site, const History& history, const std::vector<char>& private_commit,
                 const Document& d) {
  const HistoryMode mode = history_mode(site, d);
  if (mode == HistoryMode::none || !history.available) return;
  const auto* commits = history.of(d.path);
  const bool uncommitted = history.uncommitted.count(d.path) > 0;
  if (!commits && !uncommitted) return;
  ctx["has_history"] = true;
  ctx["uncommitted"] = uncommitted;
  if (commits && !commits->empty()) {
    const Commit& newest = history.commits[commits->front()];
    const Commit& oldest = history.commits[commits->back()];
    ctx["first_published"] = oldest.date.long_form();
    ctx["first_published_iso"] = oldest.date.iso();
    if (!uncommitted) {
      ctx["last_updated"] = newest.date.long_form();
      ctx["last_updated_iso"] = newest.date.iso();
    }
  }
  if (mode != HistoryMode::full || !commits) return;
  array rows;
  for (const auto index : *commits) {
    const Commit& c = history.commits[index];
    const bool private_change = private_commit[index] != 0;
    map row{{"date", c.date.long_form()},
            {"date_iso", c.date.iso()},
            {"summary", private_change ? std::string() : c.summary},
            {"has_summary", !private_change && !c.summary.empty()},
            {"url", private_change ? std::string() : commit_link(site, c)},
            {"short_hash", c.hash.substr(0, 7)}};
    if (site.config.show_authors) row["author"] = c.author;
    rows.push_back(std::move(row));
  }
  ctx["history_full"] = true;
  ctx["history"] = std::move(rows);
}

std::string comparison_url(const Document& newer) { return newer.url + "changes/"; }

std::string comparison_title(const Document& newer) {
  const auto* a = newer.as<AgreementData>();
  return "What changed in version " + (a ? a->version : std::string());
}

namespace {

array named_changes(const std::vector<NamedChange>& changes) {
  array out;
  for (const auto& c : changes) out.push_back(map{{"before", c.before}, {"after", c.after}});
  return out;
}

array plan_titles(const Site& site, const std::vector<std::string>& ids) {
  array out;
  for (const auto& id : ids) {
    const Plan* plan = site.plan(id);
    out.push_back(plan ? plan->title : id);
  }
  return out;
}

}  // namespace

map comparison_fields(const Site& site, const AgreementComparison& c, const std::string& url) {
  map ctx;
  auto list = [&](const char* key, array a) {
    ctx[std::string("has_") + key] = !a.empty();
    ctx[key] = std::move(a);
  };
  list("priorities_added", named_changes(c.priorities_added));
  list("priorities_removed", named_changes(c.priorities_removed));
  list("priorities_renamed", named_changes(c.priorities_renamed));
  list("themes_added", named_changes(c.themes_added));
  list("themes_removed", named_changes(c.themes_removed));
  list("themes_renamed", named_changes(c.themes_renamed));
  array leads;
  for (const auto& l : c.leads)
    leads.push_back(map{{"priority", l.priority}, {"before", l.before}, {"after", l.after}});
  list("lead_changes", leads);
  list("plans_added", plan_titles(site, c.plans_added));
  list("plans_removed", plan_titles(site, c.plans_removed));
  array rows;
  for (const auto& r : c.version_rows)
    rows.push_back(map{{"version", r.version}, {"date", r.date}, {"change", r.change}});
  list("version_rows", rows);

  ctx["text_compared"] = c.text_compared;
  array text;
  MarkdownOptions mo;
  mo.allow_raw_html = site.config.allow_raw_html;
  mo.page_url = url;
  mo.resolve = [&site](const std::string& path) { return site.url_of(path); };
  mo.anchors = false;
  bool any_text_change = false;
  for (const auto& t : c.text) {
    if (t.kind == TextChange::Kind::kept) {
      text.push_back(
          map{{"kept", true},
              {"kept_count", t.kept == 1 ? std::string("1 paragraph") : std::to_string(t.kept) + " paragraphs"}});
      continue;
    }
    any_text_change = true;
    text.push_back(map{{"removed", t.kind == TextChange::Kind::removed},
                       {"added", t.kind == TextChange::Kind::added},
                       {"html", render_markdown(t.markdown, mo).html}});
  }
  ctx["text"] = text;
  ctx["text_changed"] = any_text_change;
  return ctx;
}

}  // namespace portal
