// The loaded site's queries (a document by path, a URL, a page's links and ids), the
// rules of what may be published, and the files whose problems must not be shown.
#include "site.h"

#include <algorithm>
#include <set>

#include "beneath.h"
#include "files.h"
#include "text.h"
#include "url_scheme.h"
#include "urls.h"

namespace portal {

const Document* Site::find(const std::string& path) const {
  const auto it = by_path.find(path);
  return it == by_path.end() ? nullptr : &document(it->second);
}

const Plan* Site::plan(std::string_view id) const {
  const auto it = std::find_if(plans.begin(), plans.end(), [&](const Plan& p) { return p.id.value == id; });
  return it == plans.end() ? nullptr : &*it;
}

const Document* Site::meeting_of(const Document& d) const { return d.meeting.empty() ? nullptr : meeting(d.meeting); }

const Document* Site::meeting(const std::string& folder) const {
  const auto it = meeting_by_folder.find(folder);
  return it == meeting_by_folder.end() ? nullptr : &document(it->second);
}

const Document* Site::notes_of(const Document& meeting) const {
  return find(meeting_file(meeting.meeting, "notes.md"));
}

const Document* Site::paper_of(const Document& meeting, const AgendaItem& item) const {
  return item.paper ? find(meeting_file(meeting.meeting, item.paper->value)) : nullptr;
}

std::vector<std::size_t> Site::published_of(Kind kind) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < size(); ++i)
    if (document(i).kind == kind && published(i)) out.push_back(i);
  return out;
}

bool Site::is_published(const Document& d) const {
  const auto it = by_path.find(d.path);
  return it != by_path.end() && published(it->second);
}

bool Site::is_released(const Document& d) const {
  const auto it = by_path.find(d.path);
  return it != by_path.end() && released(it->second);
}

std::optional<std::string> Site::url_of(const std::string& path) const {
  if (const Document* d = find(path)) return d->url;
  if (const auto it = asset_by_path.find(path); it != asset_by_path.end()) return assets[it->second].url;
  return std::nullopt;
}

std::optional<std::uint64_t> Site::addresses_of(const RenderedMarkdown& body) const {
  std::string all;
  for (const auto& link : body.links) {
    if (!link.internal) continue;
    const auto url = url_of(link.target_path);
    if (link.resolved != url.has_value()) return std::nullopt;
    // Each value with its length before it; "-" where the path names nothing.
    all += std::to_string(link.target_path.size()) + ':' + link.target_path;
    all += url ? std::to_string(url->size()) + ':' + *url : std::string("-");
  }
  return content_hash(all);
}

std::vector<Link> Site::links_of(std::size_t index) const {
  std::vector<Link> links = body(index).links;
  for (const auto& field : document(index).field_links) {
    Link link;
    link.url = field.url;
    link.internal = true;
    auto [target_path, anchor] = split_content_link(field.url);
    link.target_path = std::move(target_path);
    link.anchor = std::move(anchor);
    link.resolved = url_of(link.target_path).has_value();
    link.pos = field.pos;
    links.push_back(std::move(link));
  }
  return links;
}

MarkdownOptions Site::markdown_options(const Document& d) const {
  MarkdownOptions mo;
  mo.allow_raw_html = config.allow_raw_html;
  mo.page_url = d.url;
  mo.first_line = d.body_first_line;
  mo.resolve = [this](const std::string& path) { return url_of(path); };
  mo.taken_ids = page_ids(d);
  for (const auto& words : d.printed_only) mo.printed_only.push_back(words.value);
  return mo;
}

const Document* Site::agreement_in_force(const Date& date, Scope scope) const {
  // `agreements` is sorted by effective date: walk back from the last one on or before `date`.
  auto it = std::upper_bound(agreements.begin(), agreements.end(), date, [&](const Date& d, std::size_t i) {
    return d < document(i).as<AgreementData>()->effective.value;
  });
  while (it != agreements.begin()) {
    --it;
    if (scope == Scope::non_draft || published(*it)) return &document(*it);
  }
  return nullptr;
}

SiteDocument Site::replace(std::size_t i, Document d, RenderedMarkdown body) {
  SiteDocument old = std::move(documents_[i]);
  documents_[i] = {std::move(d), std::move(body), {}, false};
  decide_publication(i);
  if (old.document.kind == Kind::agreement || document(i).kind == Kind::agreement) order_agreements();
  return old;
}

void Site::put_back(std::size_t i, SiteDocument old) {
  const bool agreement = old.document.kind == Kind::agreement || document(i).kind == Kind::agreement;
  documents_[i] = std::move(old);
  if (agreement) order_agreements();
}

void Site::drop_markdown_except(std::initializer_list<Kind> keep) {
  for (auto& entry : documents_)
    if (std::find(keep.begin(), keep.end(), entry.document.kind) == keep.end()) std::string().swap(entry.document.body);
}

void Site::decide_publication(std::size_t i) {
  SiteDocument& entry = documents_[i];
  entry.withheld_because = portal::withheld_because(*this, entry.document, drafts_);
  entry.released = entry.withheld_because.empty() &&
                   (drafts_ == Drafts::hide || portal::withheld_because(*this, entry.document, Drafts::hide).empty());
  // Unpublished text is not kept where a renderer could reach it.
  if (!entry.withheld_because.empty()) entry.body.html.clear();
}

void Site::order_agreements() {
  agreements.clear();
  for (std::size_t i = 0; i < size(); ++i) {
    const Document& d = document(i);
    if (d.kind == Kind::agreement && !d.draft && d.as<AgreementData>()->effective.value.valid())
      agreements.push_back(i);
  }
  std::stable_sort(agreements.begin(), agreements.end(), [&](std::size_t a, std::size_t b) {
    return document(a).as<AgreementData>()->effective.value < document(b).as<AgreementData>()->effective.value;
  });
}

std::vector<std::string> Site::theme_anchors(const Document& d) const {
  std::vector<std::string> out;
  auto shown = [&](const char* field, bool shows) {
    if (!shows) return;
    if (std::string id = theme_ids.section(field); !id.empty()) out.push_back(std::move(id));
  };
  shown("body", !text::is_blank(d.body));
  if (const auto* a = d.as<AgreementData>()) {
    shown("priorities", !a->priorities.empty());
    shown("themes", !a->themes.empty());
    shown("leads", !a->leads.empty());
    shown("plans", !a->plans.empty());
    shown("changes", !a->changes.empty());
    shown("assessments", !a->assessments.empty());
  } else if (const auto* m = d.as<MeetingData>()) {
    shown("items", !m->items.empty());
  } else if (const auto* n = d.as<NotesData>()) {
    shown("present", !n->present.empty());
  }
  return out;
}

std::vector<std::string> Site::item_ids(const Document& d) const {
  std::vector<std::string> ids;
  if (const auto* m = d.as<MeetingData>())
    for (const auto& item : m->items)
      if (item.code)
        if (std::string id = theme_ids.item_id(item.code->value); !id.empty()) ids.push_back(std::move(id));
  return ids;
}

std::vector<std::string> Site::tags_of(const Document& d) const {
  std::vector<std::string> tags;
  for (const auto& p : d.priorities) tags.push_back(p.value);
  if (const auto it = config.kind_priorities.find(kind_name(d.kind)); it != config.kind_priorities.end())
    for (const auto& id : it->second)
      if (std::find(tags.begin(), tags.end(), id.value) == tags.end()) tags.push_back(id.value);
  return tags;
}

std::vector<std::string> Site::page_ids(const Document& d) const {
  std::vector<std::string> ids = theme_anchors(d);
  for (std::size_t i = 0, n = ids.size(); i < n; ++i) ids.push_back(ids[i] + "-heading");
  for (auto& id : item_ids(d)) ids.push_back(std::move(id));
  ids.insert(ids.end(), theme_ids.page.begin(), theme_ids.page.end());
  if (d.kind == Kind::home) ids.insert(ids.end(), theme_ids.home.begin(), theme_ids.home.end());
  return ids;
}

namespace {

// Whether `file` lies in a meeting's folder whose _index.md the site could not
// read: what the agenda restricts there is unknown, so all of it is treated as restricted.
bool in_unread_meeting(const Site& site, const std::string& file) {
  const std::string folder = meeting_folder(file);
  return !folder.empty() && !site.meeting_by_folder.count(folder);
}

}  // namespace

std::set<std::string> restricted_files(const Site& site, const Diagnostics& diags) {
  std::set<std::string> out;
  std::set<std::string> meetings;  // folders of restricted meetings
  const SourceDir source(site.root);
  for (std::size_t i = 0; i < site.size(); ++i) {
    const Document& d = site.document(i);
    if (in_unread_meeting(site, d.path)) out.insert(d.path);
    if (site.why_withheld(i).find("restricted") == std::string::npos) continue;
    out.insert(d.path);
    if (d.kind == Kind::meeting) meetings.insert(meeting_file(d.meeting));
  }
  for (const auto& d : diags.items()) {
    if (!d.file.starts_with("content/") || out.count(d.file) || site.by_path.count(d.file)) continue;
    const bool in_restricted_meeting = std::any_of(
        meetings.begin(), meetings.end(), [&](const std::string& folder) { return d.file.starts_with(folder); });
    // A file that did not load: what it says of itself cannot be read, so a mention is enough. It is read as
    // the loader reads, never through a link and only as a regular file (a FIFO would block); one that cannot
    // be read (a link, say) has no words of its own in its messages.
    const auto file = read_beneath(source, d.file);  // fails, too, when the site's folder cannot be opened
    if (in_restricted_meeting || in_unread_meeting(site, d.file) ||
        (file && text::to_lower_ascii(file->bytes.substr(0, 1 << 20)).find("restricted") != std::string::npos))
      out.insert(d.file);
  }
  return out;
}

bool quotes_unpublished(const Site& site, const Diagnostics& diags) {
  if (diags.items().empty()) return false;
  // What a problem could name them by: the path under content/ and, for a document, its address.
  std::vector<std::string> names;
  for (std::size_t i = 0; i < site.size(); ++i)
    if (!site.released(i)) {
      names.push_back(site.document(i).path.substr(std::string_view("content/").size()));
      if (site.document(i).url.size() > 1) names.push_back(site.document(i).url);
    }
  for (const auto& a : site.assets)
    if (!a.published) names.push_back(a.path.substr(std::string_view("content/").size()));
  auto published_file = [&](const std::string& file) {
    if (const auto d = site.by_path.find(file); d != site.by_path.end()) return site.released(d->second);
    const auto a = site.asset_by_path.find(file);
    return a != site.asset_by_path.end() && site.assets[a->second].published;
  };
  return std::any_of(diags.items().begin(), diags.items().end(), [&](const Diagnostic& d) {
    if (d.file.starts_with("content/") && !published_file(d.file)) return true;
    return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
      return d.message.find(name) != std::string::npos || d.hint.find(name) != std::string::npos;
    });
  });
}

std::string url_for(const ContentEntry& e) {
  if (e.type != EntryType::document) return "/" + e.path.substr(std::string("content/").size());
  switch (e.kind) {
    case Kind::home: return "/";
    case Kind::page: return "/" + e.slug + "/";
    case Kind::agreement: return urls::under(urls::agreements, e.slug);
    case Kind::meeting: return urls::under(urls::meetings, e.meeting);
    case Kind::notes:
    case Kind::paper: return urls::under(urls::under(urls::meetings, e.meeting), e.slug);
    case Kind::dhr: return urls::under(urls::dhrs, e.slug);
    case Kind::bulletin: return urls::under(urls::bulletins, e.slug);
    case Kind::event: return urls::under(urls::events, e.slug);
  }
  return "/";
}

std::string withheld_because(const Site& site, const Document& d, Drafts drafts) {
  auto own = [&](const Document& doc) -> std::string {
    if (doc.restricted) return "restricted";
    if (doc.draft && drafts == Drafts::hide) return "a draft";
    // Events and meetings are dated by when they take place, and are announced
    // beforehand; every other date says when a document is released.
    const bool announced = doc.kind == Kind::event || doc.kind == Kind::meeting;
    if (!announced && doc.date && site.today < doc.date->last_possible())
      return "dated in the future (" + doc.date->long_form() + ")";
    return {};
  };
  std::string why = own(d);
  if (why.empty() && (d.kind == Kind::notes || d.kind == Kind::paper)) {
    const Document* meeting = site.meeting_of(d);
    if (!meeting)
      why = "in a meeting folder without _index.md";
    else if (const auto meeting_why = own(*meeting); !meeting_why.empty())
      why = "part of a meeting that is " + meeting_why;
    if (why.empty() && d.kind == Kind::paper)
      for (const AgendaItem* item : agenda_items_of(*meeting->as<MeetingData>(), d))
        if (item->restricted) why = "the paper of a restricted agenda item";
  }
  return why;
}

}  // namespace portal
