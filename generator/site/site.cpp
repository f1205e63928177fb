#include "site.h"

#include <algorithm>
#include <set>

#include "fields.h"
#include "files.h"
#include "front_matter.h"
#include "markdown_workers.h"
#include "parallel.h"
#include "text.h"
#include "urls.h"

namespace portal {

namespace fs = std::filesystem;

const Document* Site::find(const std::string& path) const {
  const auto it = by_path.find(path);
  return it == by_path.end() ? nullptr : &documents[it->second];
}

const Document* Site::meeting_of(const Document& d) const {
  if (d.meeting.empty()) return nullptr;
  const auto it = meeting_by_folder.find(d.meeting);
  return it == meeting_by_folder.end() ? nullptr : &documents[it->second];
}

std::vector<std::size_t> Site::published_of(Kind kind) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < documents.size(); ++i)
    if (documents[i].kind == kind && published[i]) out.push_back(i);
  return out;
}

bool Site::is_published(const Document& d) const {
  const auto it = by_path.find(d.path);
  return it != by_path.end() && published[it->second];
}

bool Site::is_released(const Document& d) const {
  const auto it = by_path.find(d.path);
  return it != by_path.end() && released[it->second];
}

std::optional<std::string> Site::url_of(const std::string& path) const {
  if (const Document* d = find(path)) return d->url;
  if (const auto it = asset_by_path.find(path); it != asset_by_path.end()) return assets[it->second].url;
  return std::nullopt;
}

std::vector<Link> Site::links_of(std::size_t index) const {
  std::vector<Link> links = bodies[index].links;
  for (const auto& field : documents[index].field_links) {
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
  return mo;
}

const Document* Site::agreement_in_force(const Date& date, Scope scope) const {
  // `agreements` is sorted by effective date: walk back from the last one on or before `date`.
  auto it = std::upper_bound(agreements.begin(), agreements.end(), date, [&](const Date& d, std::size_t i) {
    return d < documents[i].as<AgreementData>()->effective.value;
  });
  while (it != agreements.begin()) {
    --it;
    if (scope == Scope::non_draft || published[*it]) return &documents[*it];
  }
  return nullptr;
}

std::vector<std::string> theme_anchors(const Document& d) {
  std::vector<std::string> out;
  if (!text::is_blank(d.body)) out.push_back("content");
  if (const auto* a = d.as<AgreementData>()) {
    if (!a->priorities.empty()) out.push_back("priorities");
    if (!a->themes.empty()) out.push_back("themes");
    if (!a->leads.empty()) out.push_back("leads");
    if (!a->plans.empty()) out.push_back("plans");
    if (!a->changes.empty()) out.push_back("version-control");
    if (!a->assessments.empty()) out.push_back("assessments");
  } else if (const auto* m = d.as<MeetingData>()) {
    if (!m->items.empty()) out.push_back("agenda");
  } else if (const auto* n = d.as<NotesData>()) {
    if (!n->present.empty()) out.push_back("attendance");
  }
  return out;
}

std::vector<std::string> page_ids(const Document& d) {
  std::vector<std::string> ids = theme_anchors(d);
  for (std::size_t i = 0, n = ids.size(); i < n; ++i) ids.push_back(ids[i] + "-heading");
  for (const char* id : {"main-content", "history", "history-heading", "tags-heading", "history-caption",
                         "agenda-caption", "leads-caption", "assessments-caption", "version-control-caption"})
    ids.emplace_back(id);
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
  for (std::size_t i = 0; i < site.documents.size(); ++i) {
    if (in_unread_meeting(site, site.documents[i].path)) out.insert(site.documents[i].path);
    if (site.withheld_because[i].find("restricted") == std::string::npos) continue;
    out.insert(site.documents[i].path);
    if (site.documents[i].kind == Kind::meeting) meetings.insert("content/meetings/" + site.documents[i].meeting + "/");
  }
  for (const auto& d : diags.items()) {
    if (!d.file.starts_with("content/") || out.count(d.file) || site.by_path.count(d.file)) continue;
    const bool in_restricted_meeting = std::any_of(
        meetings.begin(), meetings.end(), [&](const std::string& folder) { return d.file.starts_with(folder); });
    // A file that did not load: what it says of itself cannot be read, so a mention is enough.
    const auto text = read_file(site.root / d.file);
    if (in_restricted_meeting || in_unread_meeting(site, d.file) ||
        (text && text::to_lower_ascii(text->substr(0, 1 << 20)).find("restricted") != std::string::npos))
      out.insert(d.file);
  }
  return out;
}

std::string url_for(const ContentEntry& e) {
  if (e.type != EntryType::document) return "/" + e.path.substr(std::string("content/").size());
  switch (e.kind) {
    case Kind::home: return "/";
    case Kind::page: return "/" + e.slug + "/";
    case Kind::agreement: return "/agreements/" + e.slug + "/";
    case Kind::meeting: return "/meetings/" + e.meeting + "/";
    case Kind::notes:
    case Kind::paper: return "/meetings/" + e.meeting + "/" + e.slug + "/";
    case Kind::dhr: return "/dhr/" + e.slug + "/";
    case Kind::bulletin: return "/bulletins/" + e.slug + "/";
    case Kind::event: return "/events/" + e.slug + "/";
  }
  return "/";
}

namespace {

std::vector<Plan> read_plans(const fs::path& root, const std::string& path, Diagnostics& diags) {
  std::vector<Plan> plans;
  const auto raw = read_file(root / path);
  if (!raw) {
    diags.error(path, {}, "config", "cannot read the file");
    return plans;
  }
  auto text = normalise_source(*raw, path, "front-matter", diags);
  if (!text) return plans;
  auto table = parse_toml(*text, path, 1, "front-matter", diags);
  if (!table) return plans;
  FieldReader r(*table, path, 1, "front-matter", diags, "the plan registry");
  for (auto& t : r.tables("plan")) {
    Plan p;
    if (auto id = t.string("id", Required::yes)) p.id = *id;
    if (auto v = t.string("title", Required::yes)) p.title = v->value;
    if (auto v = t.string("owner", Required::yes)) p.owner = v->value;
    if (auto v = t.url("url")) p.url = v->value;
    if (auto v = t.string("period")) p.period = v->value;
    if (const toml::table* printed = t.table("printed")) {
      FieldReader titles(*printed, path, 1, "front-matter", diags, "this plan's `printed` titles");
      for (const auto& [slug, value] : *printed)
        if (auto v = titles.string(std::string(slug.str()), Required::yes)) p.printed[std::string(slug.str())] = *v;
      titles.finish();
    }
    t.finish();
    plans.push_back(std::move(p));
  }
  r.finish();
  return plans;
}

}  // namespace

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
    if (why.empty() && d.kind == Kind::paper) {
      const auto* m = meeting->as<MeetingData>();
      const auto* p = d.as<PaperData>();
      const std::string file = d.slug + ".md";
      for (const auto& item : m->items) {
        const bool names_it = item.paper && item.paper->value == file;
        const bool filed_under = p && p->item && item.code && item.code->value == p->item->value;
        if (item.restricted && (names_it || filed_under)) why = "the paper of a restricted agenda item";
      }
    }
  }
  return why;
}

namespace {

// Decides publication (restricted, draft and future documents are withheld)
// and records why each unpublished document is withheld.
void decide_publication(Site& site, const LoadOptions& options) {
  site.published.assign(site.documents.size(), false);
  site.released.assign(site.documents.size(), false);
  site.withheld_because.assign(site.documents.size(), std::string());
  for (std::size_t i = 0; i < site.documents.size(); ++i) {
    const std::string why = withheld_because(site, site.documents[i], options.drafts);
    site.published[i] = why.empty();
    site.withheld_because[i] = why;
    site.released[i] = why.empty() && (options.drafts == Drafts::hide ||
                                       withheld_because(site, site.documents[i], Drafts::hide).empty());
  }
}

// An asset is withheld when it sits in an unpublished meeting's folder or an
// unpublished document links to it: it is then part of what may not be published.
void decide_asset_publication(Site& site) {
  std::set<std::string> withheld;
  for (std::size_t i = 0; i < site.documents.size(); ++i) {
    if (site.published[i]) continue;
    for (const auto& link : site.links_of(i))
      if (link.internal) withheld.insert(link.target_path);
  }
  for (auto& a : site.assets) {
    if (withheld.count(a.path)) a.published = false;
    if (a.path.starts_with("content/meetings/")) {
      const auto it = site.meeting_by_folder.find(meeting_folder(a.path));
      if (it == site.meeting_by_folder.end() || !site.published[it->second]) a.published = false;
    }
  }
}

}  // namespace

LoadResult load_site(const fs::path& root, const LoadOptions& options, int jobs, Diagnostics& diags) {
  LoadResult result;
  const auto config_text = read_file(root / "site.toml");
  if (!config_text) {
    diags.error("site.toml", {}, "config", "there is no site.toml in " + root.string(),
                "create site.toml with title, partnership and base_url (see README.md), or pass --source");
    result.failure = LoadFailure::config;
    return result;
  }
  auto config = parse_config(*config_text, "site.toml", diags);
  if (!config) {
    result.failure = LoadFailure::config;
    return result;
  }

  Site site;
  site.root = root;
  site.config = std::move(*config);
  const auto entries = walk_content(root, diags);

  std::vector<const ContentEntry*> docs;
  for (const auto& e : entries) {
    if (e.type == EntryType::document)
      docs.push_back(&e);
    else if (e.type == EntryType::plans)
      site.plans = read_plans(root, e.path, diags);
    else
      site.assets.push_back({e.path, url_for(e), true});
  }

  // Read and parse every document; each thread reports into its own slot.
  // With a cache, a file whose time and size are unchanged is not read again.
  SiteCache* cache = options.cache;
  std::vector<std::optional<Document>> parsed(docs.size());
  std::vector<Diagnostics> local(docs.size());
  std::vector<char> reused(docs.size(), 0);
  std::vector<fs::file_time_type> mtimes(docs.size());
  std::vector<std::uintmax_t> sizes(docs.size(), 0);
  std::vector<std::string> front_matters(docs.size());
  parallel_for(docs.size(), jobs, [&](std::size_t i) {
    const ContentEntry& e = *docs[i];
    if (cache) {
      std::error_code ec;
      mtimes[i] = fs::last_write_time(root / e.path, ec);
      sizes[i] = fs::file_size(root / e.path, ec);
      const auto it = cache->files.find(e.path);
      if (it != cache->files.end() && it->second.mtime == mtimes[i] && it->second.size == sizes[i]) {
        parsed[i] = it->second.document;
        local[i] = it->second.diagnostics;
        reused[i] = 1;
        return;
      }
    }
    auto source = read_source(root / e.path, e.path, local[i]);
    if (!source) return;
    FrontMatter& fm = source->front_matter;
    Document d = read_document(e.kind, fm.table, fm.table_first_line, e.path, local[i]);
    d.slug = e.slug;
    d.meeting = e.meeting;
    d.url = url_for(e);
    if (cache) front_matters[i] = source->head();
    d.body = std::move(fm.body);
    d.body_first_line = fm.body_first_line;
    parsed[i] = std::move(d);
  });
  std::vector<char> reused_documents;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (cache && !reused[i]) {
      auto& slot = cache->files[docs[i]->path];
      slot = {mtimes[i], sizes[i], parsed[i], local[i], std::nullopt, std::move(front_matters[i])};
    }
    diags.append(local[i]);
    if (parsed[i]) {
      site.documents.push_back(std::move(*parsed[i]));
      reused_documents.push_back(reused[i]);
    }
  }
  if (cache) {
    cache->parsed = static_cast<std::size_t>(std::count(reused.begin(), reused.end(), 0));
    std::erase_if(cache->files, [&](const auto& f) {
      return std::none_of(docs.begin(), docs.end(), [&](const ContentEntry* e) { return e->path == f.first; });
    });
  }
  for (std::size_t i = 0; i < site.documents.size(); ++i) {
    const Document& d = site.documents[i];
    site.by_path[d.path] = i;
    if (d.kind == Kind::meeting) site.meeting_by_folder[d.meeting] = i;
  }
  for (std::size_t i = 0; i < site.assets.size(); ++i) site.asset_by_path[site.assets[i].path] = i;
  site.today = options.today;
  if (options.root_path) {
    site.root_path = *options.root_path;
  } else {
    const auto host = site.config.base_url.find("//");
    const auto path = host == std::string::npos ? std::string::npos : site.config.base_url.find('/', host + 2);
    site.root_path = path == std::string::npos ? "/" : site.config.base_url.substr(path);
  }
  for (std::size_t i = 0; i < site.documents.size(); ++i) {
    const Document& d = site.documents[i];
    if (d.kind == Kind::agreement && !d.draft && d.as<AgreementData>()->effective.value.valid())
      site.agreements.push_back(i);
  }
  std::stable_sort(site.agreements.begin(), site.agreements.end(), [&](std::size_t a, std::size_t b) {
    return site.documents[a].as<AgreementData>()->effective.value <
           site.documents[b].as<AgreementData>()->effective.value;
  });
  // Notes and papers take their meeting's date.
  std::set<std::string> reported;
  for (auto& d : site.documents) {
    if (d.kind != Kind::notes && d.kind != Kind::paper) continue;
    if (const Document* m = site.meeting_of(d)) {
      d.date = m->date;
    } else if (reported.insert(d.meeting).second) {
      diags.error("content/meetings/" + d.meeting + "/_index.md", {}, "front-matter",
                  "the meeting folder " + d.meeting + " holds notes or papers but no _index.md",
                  "add _index.md with the meeting's title, date and agenda [[items]]");
    }
  }
  decide_publication(site, options);

  // Links resolve against the set of files: while it is unchanged, a cached
  // file's rendered Markdown is still right.
  std::vector<std::string> paths;
  for (const auto& d : site.documents) paths.push_back(d.path);
  for (const auto& a : site.assets) paths.push_back(a.path);
  const bool same_files = cache && cache->paths == paths;
  site.bodies.resize(site.documents.size());
  std::vector<char> rendered(site.documents.size(), 0);
  std::vector<std::size_t> to_render;
  for (std::size_t i = 0; i < site.documents.size(); ++i) {
    if (same_files && reused_documents[i]) {
      if (const auto& cached = cache->files.at(site.documents[i].path).body) {
        site.bodies[i] = *cached;
        continue;
      }
    }
    to_render.push_back(i);
    rendered[i] = 1;
  }
  render_bodies(
      to_render, {jobs, options.fork_bodies_from},
      [&site](std::size_t i) {
        const Document& d = site.documents[i];
        return render_markdown(d.body, site.markdown_options(d));
      },
      site.bodies);
  if (cache) {
    cache->paths = std::move(paths);
    cache->rendered = static_cast<std::size_t>(std::count(rendered.begin(), rendered.end(), 1));
    for (std::size_t i = 0; i < site.documents.size(); ++i)
      if (rendered[i]) cache->files[site.documents[i].path].body = site.bodies[i];
  }
  // Unpublished text is not kept where a renderer could reach it.
  for (std::size_t i = 0; i < site.documents.size(); ++i)
    if (!site.published[i]) site.bodies[i].html.clear();
  decide_asset_publication(site);
  result.site = std::move(site);
  return result;
}

}  // namespace portal
