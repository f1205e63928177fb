#include "compare.h"

#include <algorithm>
#include <map>
#include <set>

#include <git2.h>

#include "text.h"

namespace portal {

namespace {

// A text as one line per paragraph: blank lines separate paragraphs, and the
// lines within one are joined, so the line diff is a paragraph diff.
std::vector<std::string> paragraphs(const std::string& markdown) {
  std::vector<std::string> out;
  std::string current;
  std::size_t start = 0;
  while (start <= markdown.size()) {
    const auto end = markdown.find('\n', start);
    const std::string line = markdown.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (text::is_blank(line)) {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current += (current.empty() ? "" : "\n") + line;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

// Paragraphs may hold line breaks; the diff sees each as one line.
std::string as_lines(const std::vector<std::string>& paras) {
  std::string out;
  for (auto p : paras) {
    std::replace(p.begin(), p.end(), '\n', '\x1f');
    out += p + '\n';
  }
  return out;
}

struct Collector {
  std::vector<TextChange> changes;
  void add(TextChange::Kind kind, std::string line) {
    if (kind == TextChange::Kind::kept) {
      if (!changes.empty() && changes.back().kind == TextChange::Kind::kept) {
        ++changes.back().kept;
      } else {
        changes.push_back({kind, {}, 1});
      }
      return;
    }
    if (!line.empty() && line.back() == '\n') line.pop_back();
    std::replace(line.begin(), line.end(), '\x1f', '\n');
    changes.push_back({kind, std::move(line), 0});
  }
};

int on_line(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line, void* payload) {
  auto* c = static_cast<Collector*>(payload);
  const std::string content(line->content, line->content_len);
  switch (line->origin) {
    case GIT_DIFF_LINE_CONTEXT: c->add(TextChange::Kind::kept, content); break;
    case GIT_DIFF_LINE_DELETION: c->add(TextChange::Kind::removed, content); break;
    case GIT_DIFF_LINE_ADDITION: c->add(TextChange::Kind::added, content); break;
    default: break;
  }
  return 0;
}

template <class Item>
std::map<std::string, std::string> names(const std::vector<Item>& items) {
  std::map<std::string, std::string> out;
  for (const auto& i : items) out[i.id.value] = i.name;
  return out;
}

}  // namespace

std::vector<TextChange> compare_text(const std::string& older, const std::string& newer) {
  const auto before = paragraphs(older), after = paragraphs(newer);
  const std::string a = as_lines(before), b = as_lines(after);
  git_libgit2_init();
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.context_lines = static_cast<std::uint32_t>(std::max(before.size(), after.size()) + 1);
  opts.flags = GIT_DIFF_FORCE_TEXT;
  Collector collector;
  git_diff_buffers(a.data(), a.size(), "older", b.data(), b.size(), "newer", &opts, nullptr, nullptr, nullptr, on_line,
                   &collector);
  git_libgit2_shutdown();
  // Identical texts give no diff at all: every paragraph was kept.
  if (collector.changes.empty() && !after.empty())
    collector.changes.push_back({TextChange::Kind::kept, {}, static_cast<int>(after.size())});
  return collector.changes;
}

AgreementComparison compare_agreements(const Document& older, const Document& newer) {
  AgreementComparison c;
  const auto& o = *older.as<AgreementData>();
  const auto& n = *newer.as<AgreementData>();

  // Priorities: a newer priority listing an older id in `formerly` is a rename.
  const auto old_names = names(o.priorities);
  std::map<std::string, std::string> newer_id_of;  // older id → newer id
  for (const auto& p : n.priorities) {
    newer_id_of[p.id.value] = p.id.value;
    for (const auto& f : p.formerly)
      if (old_names.count(f.value)) newer_id_of[f.value] = p.id.value;
  }
  std::set<std::string> accounted;
  for (const auto& p : n.priorities) {
    std::string from;
    if (old_names.count(p.id.value)) from = p.id.value;
    for (const auto& f : p.formerly)
      if (from.empty() && old_names.count(f.value)) from = f.value;
    if (from.empty()) {
      c.priorities_added.push_back({{}, p.name});
      continue;
    }
    accounted.insert(from);
    if (old_names.at(from) != p.name) c.priorities_renamed.push_back({old_names.at(from), p.name});
  }
  for (const auto& p : o.priorities)
    if (!accounted.count(p.id.value)) c.priorities_removed.push_back({p.name, {}});

  const auto old_themes = names(o.themes), new_themes = names(n.themes);
  for (const auto& [id, name] : new_themes) {
    const auto it = old_themes.find(id);
    if (it == old_themes.end())
      c.themes_added.push_back({{}, name});
    else if (it->second != name)
      c.themes_renamed.push_back({it->second, name});
  }
  for (const auto& t : o.themes)
    if (!new_themes.count(t.id.value)) c.themes_removed.push_back({t.name, {}});

  // Leads, plans and text come from an agreement's full text: compared only
  // when both versions' full texts are held.
  for (const auto& row : n.changes) {
    const bool known = std::any_of(o.changes.begin(), o.changes.end(), [&](const Change& r) {
      return r.version == row.version && r.date == row.date && r.change == row.change;
    });
    if (!known) c.version_rows.push_back(row);
  }

  c.text_compared = o.full_text && n.full_text;
  if (!c.text_compared) return c;

  // Leads, matched through renames.
  std::map<std::string, std::string> old_leads, new_leads;
  for (const auto& l : o.leads) {
    const auto it = newer_id_of.find(l.priority.value);
    old_leads[it == newer_id_of.end() ? l.priority.value : it->second] = l.lead;
  }
  for (const auto& l : n.leads) new_leads[l.priority.value] = l.lead;
  const auto new_names = names(n.priorities);
  for (const auto& p : n.priorities) {
    const auto was = old_leads.find(p.id.value);
    const auto now = new_leads.find(p.id.value);
    const std::string before = was == old_leads.end() ? std::string() : was->second;
    const std::string after = now == new_leads.end() ? std::string() : now->second;
    if (before != after) c.leads.push_back({p.name, before, after});
  }

  std::set<std::string> old_plans, new_plans;
  for (const auto& p : o.plans) old_plans.insert(p.value);
  for (const auto& p : n.plans) new_plans.insert(p.value);
  for (const auto& p : n.plans)
    if (!old_plans.count(p.value)) c.plans_added.push_back(p.value);
  for (const auto& p : o.plans)
    if (!new_plans.count(p.value)) c.plans_removed.push_back(p.value);

  c.text = compare_text(older.body, newer.body);
  return c;
}

}  // namespace portal
