#include "checks.h"

#include <algorithm>
#include <map>
#include <set>

#include "check_rules.h"
#include "text.h"
#include "url_scheme.h"

namespace portal {

std::vector<std::string> generated_urls() { return {urls::generated.begin(), urls::generated.end()}; }

namespace {

void check_duplicate_urls(const Site& site, Diagnostics& diags) {
  std::map<std::string, std::string> owner;
  for (const auto& url : generated_urls()) owner[url] = "";
  auto claim = [&](const std::string& url, const std::string& path) {
    const auto [it, inserted] = owner.emplace(url, path);
    if (inserted) return;
    diags.error(path, {1, 1}, "duplicate-id",
                "this file's page " + url + " is also " +
                    (it->second.empty() ? std::string("a page the portal makes itself") : it->second),
                "rename the file so that its address is unique");
  };
  // Under the search page, every file is the search index's: a file of the content there could take a piece's
  // name, or be kept as one.
  auto in_search = [&](const std::string& url, const std::string& path) {
    if (url == urls::search || !url.starts_with(urls::search)) return;
    diags.error(path, {1, 1}, "duplicate-id",
                "this file's address " + url + " is inside " + urls::search + ", which holds the site's search index",
                "move the file out of content/search/");
  };
  for (const auto& d : site.documents()) in_search(d.url, d.path);
  for (const auto& a : site.assets) in_search(a.url, a.path);
  for (const auto& d : site.documents()) claim(d.url, d.path);
  for (const auto& a : site.assets) claim(a.url, a.path);
}

void check_agreement_ids(const Document& d, Diagnostics& diags) {
  const auto* a = d.as<AgreementData>();
  if (!a) return;
  std::map<std::string, Pos> seen;
  auto claim = [&](const Located<std::string>& id, const char* what) {
    if (id.value.empty()) return;
    const auto [it, inserted] = seen.emplace(id.value, id.pos);
    if (!inserted)
      diags.error(
          d.path, id.pos, "duplicate-id",
          std::string(what) + " id \"" + id.value + "\" is already used on line " + std::to_string(it->second.line),
          "give each priority and cross-cutting theme its own id");
  };
  for (const auto& p : a->priorities) claim(p.id, "priority");
  for (const auto& t : a->themes) claim(t.id, "cross-cutting theme");
}

void check_agenda_codes(const Document& d, Diagnostics& diags) {
  const auto* m = d.as<MeetingData>();
  if (!m) return;
  std::map<std::string, Pos> seen;
  for (const auto& item : m->items) {
    if (!item.code) continue;
    const auto [it, inserted] = seen.emplace(item.code->value, item.code->pos);
    if (!inserted)
      diags.error(
          d.path, item.code->pos, "duplicate-id",
          "agenda item code " + item.code->value + " is already used on line " + std::to_string(it->second.line),
          "give each agenda item its own code, as the printed agenda does");
  }
}

void check_plan_ids(const Site& site, Diagnostics& diags) {
  std::map<std::string, Pos> seen;
  for (const auto& p : site.plans) {
    const auto [it, inserted] = seen.emplace(p.id.value, p.id.pos);
    if (!inserted)
      diags.error("content/plans.toml", p.id.pos, "duplicate-id",
                  "plan id \"" + p.id.value + "\" is already used on line " + std::to_string(it->second.line),
                  "give each [[plan]] its own id");
  }
}

std::vector<std::string> anchors_of(const Site& site, std::size_t index) {
  std::vector<std::string> out = site.theme_anchors(site.document(index));
  for (auto& id : site.item_ids(site.document(index))) out.push_back(std::move(id));
  for (const auto& h : site.body(index).headings) out.push_back(h.id);
  for (const auto& id : site.body(index).paragraph_ids) out.push_back(id);
  return out;
}

void check_links(const Site& site, std::size_t index, Diagnostics& diags) {
  const Document& d = site.document(index);
  const bool published = site.published(index);
  for (const auto& link : site.links_of(index)) {
    if (!link.internal) {
      check_site_address(site, d.path, link, diags);
      continue;
    }
    if (!link.target_path.starts_with("content/")) {
      diags.error(d.path, link.pos, "broken-link", "the link " + link.url + " climbs out of the content folder",
                  "link only to files under content/, written after @/, e.g. @/agreements/2020-04.md");
      continue;
    }
    if (!link.resolved) {
      std::vector<std::string> candidates;
      for (const auto& [path, i] : site.by_path) candidates.push_back(path.substr(8));
      for (const auto& [path, i] : site.asset_by_path) candidates.push_back(path.substr(8));
      const auto guess = text::closest(link.target_path.substr(8), candidates);
      diags.error(d.path, link.pos, "broken-link", "the link " + link.url + " points at a file that does not exist",
                  guess.empty() ? "write the path under content/ after @/, e.g. @/agreements/2020-04.md"
                                : "did you mean @/" + guess + "?");
      continue;
    }
    const auto target = site.by_path.find(link.target_path);
    if (target == site.by_path.end()) {
      if (published && !site.assets[site.asset_by_path.at(link.target_path)].published)
        diags.error(d.path, link.pos, "restricted-link",
                    "the link " + link.url + " points at a file that is not published",
                    "remove the link; the file belongs to restricted or draft content");
      continue;
    }
    const Document& t = site.document(target->second);
    if (published && !site.published(target->second)) {
      diags.error(d.path, link.pos, "restricted-link",
                  "the link " + link.url + " points at " + t.path + ", which is " + site.why_withheld(target->second),
                  "remove the link, or publish the target first");
      continue;
    }
    if (!link.anchor.empty()) {
      const auto anchors = anchors_of(site, target->second);
      if (std::find(anchors.begin(), anchors.end(), link.anchor) == anchors.end()) {
        const auto guess = text::closest(link.anchor, anchors);
        diags.error(d.path, link.pos, "broken-link",
                    "the link " + link.url + " points at #" + link.anchor +
                        ", which is not a heading or numbered paragraph of " + t.path,
                    guess.empty() ? "link to one of the target's headings, written in lower case with hyphens"
                                  : "did you mean #" + guess + "?");
      }
    }
  }
}

}  // namespace

void check_document_body(const Site& site, std::size_t index, Diagnostics& diags) {
  check_links(site, index, diags);
  check_document_text(site, index, diags);
  check_minutes(site, index, diags);
}

void check_document(const Site& site, std::size_t index, Diagnostics& diags) {
  const Document& d = site.document(index);
  check_agreement_ids(d, diags);
  check_agenda_codes(d, diags);
  check_document_body(site, index, diags);
  // The families that read across documents, kept to what they say of this one.
  Diagnostics across;
  check_document_priorities(site, across);
  if (d.kind == Kind::agreement) check_agreements(site, across);
  if (d.kind == Kind::meeting || d.kind == Kind::notes || d.kind == Kind::paper) check_meetings(site, across);
  if (d.kind == Kind::dhr) check_dhrs(site, across);
  for (const auto& diag : across.items())
    if (diag.file == d.path) diags.add(diag);
}

bool is_body_rule(const std::string& rule, Kind kind) {
  for (const char* r : {"broken-link", "restricted-link", "image-alt", "link-text", "heading-order", "weekday-mismatch",
                        "printed-only"})
    if (rule == r) return true;
  return (rule == "unknown-item" || rule == "decision-item") && kind == Kind::notes;
}

void check_site(const Site& site, Diagnostics& diags) {
  check_duplicate_urls(site, diags);
  check_plan_ids(site, diags);
  for (std::size_t i = 0; i < site.size(); ++i) {
    check_agreement_ids(site.document(i), diags);
    check_agenda_codes(site.document(i), diags);
    check_links(site, i, diags);
  }
  check_document_priorities(site, diags);
  check_kind_priorities(site, diags);
  check_agreements(site, diags);
  check_meetings(site, diags);
  check_dhrs(site, diags);
  check_text(site, diags);
}

}  // namespace portal
