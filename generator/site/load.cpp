// Loading a site: site.toml and the content tree read, every document parsed
// and its Markdown rendered (taking from a previous load what is still right),
// the site's indexes built and what may be published decided.
#include <algorithm>
#include <set>

#include "fields.h"
#include "files.h"
#include "front_matter.h"
#include "markdown_wire.h"
#include "markdown_workers.h"
#include "parallel.h"
#include "site.h"
#include "text.h"
#include "url_scheme.h"

namespace portal {

namespace fs = std::filesystem;

// What loading alone does to a site: fills it, once.
class SiteLoader {
 public:
  static void add(Site& site, Document d) { site.documents_.push_back({std::move(d), {}, {}, false}); }
  static Document& document(Site& site, std::size_t i) { return site.documents_[i].document; }
  static void set_bodies(Site& site, std::vector<RenderedMarkdown>& bodies) {
    for (std::size_t i = 0; i < bodies.size(); ++i) site.documents_[i].body = std::move(bodies[i]);
  }
  static void order_agreements(Site& site) { site.order_agreements(); }
  static void decide_publication(Site& site, Drafts drafts) {
    site.drafts_ = drafts;
    for (std::size_t i = 0; i < site.size(); ++i) site.decide_publication(i);
  }
};

namespace {

// site.toml, read and parsed; nullopt (with what went wrong reported) when it cannot be.
std::optional<SiteConfig> load_config(const fs::path& root, Diagnostics& diags) {
  const auto config_text = read_file(root / "site.toml");
  if (!config_text) {
    diags.error("site.toml", {}, "config", "there is no site.toml in " + root.string(),
                "create site.toml with title, partnership and base_url (see README.md), or pass --source");
    return std::nullopt;
  }
  return parse_config(*config_text, "site.toml", diags);
}

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

// content/history.toml: `[changes]`, a commit id and the public wording of
// what it changed, for a history line written for developers.
std::map<std::string, std::string> read_change_wording(const fs::path& root, const std::string& path,
                                                       Diagnostics& diags) {
  std::map<std::string, std::string> wording;
  const auto raw = read_file(root / path);
  if (!raw) {
    diags.error(path, {}, "config", "cannot read the file");
    return wording;
  }
  auto normalised = normalise_source(*raw, path, "front-matter", diags);
  if (!normalised) return wording;
  auto table = parse_toml(*normalised, path, 1, "front-matter", diags);
  if (!table) return wording;
  FieldReader r(*table, path, 1, "front-matter", diags, "the history wording");
  if (const toml::table* changes = r.table("changes")) {
    FieldReader lines(*changes, path, 1, "front-matter", diags, "the [changes] table");
    for (const auto& [id, value] : *changes) {
      const std::string key(id.str());
      auto line = lines.string(key, Required::yes);
      if (!line) continue;
      if (key.size() < 7 || key.size() > 40 || key.find_first_not_of("0123456789abcdef") != std::string::npos)
        diags.error(path, lines.key_pos(key), "front-matter", "\"" + key + "\" is not a commit id",
                    "give the commit's id as git log prints it, 7 to 40 lower-case hexadecimal digits");
      else if (text::is_blank(line->value))
        diags.error(path, line->pos, "front-matter", "the wording of " + key + " is empty",
                    "say in a sentence, for the public, what the change did");
      else
        wording[key] = text::trim(line->value);
    }
    lines.finish();
  }
  r.finish();
  return wording;
}

// The content tree's documents, to be parsed; its plan registry and its
// assets go into the site as they are.
std::vector<const ContentEntry*> sort_entries(Site& site, const std::vector<ContentEntry>& entries,
                                              Diagnostics& diags) {
  std::vector<const ContentEntry*> docs;
  for (const auto& e : entries) {
    if (e.type == EntryType::document)
      docs.push_back(&e);
    else if (e.type == EntryType::plans)
      site.plans = read_plans(site.root, e.path, diags);
    else if (e.type == EntryType::wording)
      site.change_wording = read_change_wording(site.root, e.path, diags);
    else
      site.assets.push_back({e.path, url_for(e), true});
  }
  return docs;
}

// What reading the documents gave, a slot a document, so that each thread
// reports into its own.
struct ParsedFiles {
  explicit ParsedFiles(std::size_t n) : parsed(n), local(n), reused(n, 0), mtimes(n), sizes(n, 0), front_matters(n) {}
  std::vector<std::optional<Document>> parsed;
  std::vector<Diagnostics> local;
  std::vector<char> reused;  // taken from the cache
  std::vector<fs::file_time_type> mtimes;
  std::vector<std::uintmax_t> sizes;
  std::vector<std::string> front_matters;
};

// Takes document `i` from the cache when its file's time and size are
// unchanged; false when it must be read again.
bool reuse_cached(const fs::path& root, const ContentEntry& e, const SiteCache& cache, ParsedFiles& files,
                  std::size_t i) {
  std::error_code ec;
  files.mtimes[i] = fs::last_write_time(root / e.path, ec);
  files.sizes[i] = fs::file_size(root / e.path, ec);
  const auto it = cache.files.find(e.path);
  if (it == cache.files.end() || it->second.mtime != files.mtimes[i] || it->second.size != files.sizes[i]) return false;
  files.parsed[i] = it->second.document;
  files.local[i] = it->second.diagnostics;
  files.reused[i] = 1;
  return true;
}

// Reads and parses document `i`, keeping its front matter's text for the cache when asked.
void parse_document(const fs::path& root, const ContentEntry& e, bool keep_front_matter, ParsedFiles& files,
                    std::size_t i) {
  auto source = read_source(root / e.path, e.path, files.local[i]);
  if (!source) return;
  FrontMatter& fm = source->front_matter;
  Document d = read_document(e.kind, fm.table, fm.table_first_line, e.path, files.local[i]);
  d.slug = e.slug;
  d.meeting = e.meeting;
  d.url = url_for(e);
  if (keep_front_matter) files.front_matters[i] = source->head();
  d.body = std::move(fm.body);
  d.body_first_line = fm.body_first_line;
  files.parsed[i] = std::move(d);
}

// Reads and parses every document on `jobs` threads. With a cache, a file
// whose time and size are unchanged is not read again.
ParsedFiles parse_documents(const fs::path& root, const std::vector<const ContentEntry*>& docs, const SiteCache* cache,
                            int jobs) {
  ParsedFiles files(docs.size());
  parallel_for(docs.size(), jobs, [&](std::size_t i) {
    const ContentEntry& e = *docs[i];
    if (cache && reuse_cached(root, e, *cache, files, i)) return;
    parse_document(root, e, cache != nullptr, files, i);
  });
  return files;
}

// Puts the parsed documents into the site, in order, with what their reading
// reported, and brings the cache up to date with them. Gives, parallel to the
// site's documents, which were taken from the cache.
std::vector<char> gather_documents(Site& site, const std::vector<const ContentEntry*>& docs, ParsedFiles& files,
                                   SiteCache* cache, Diagnostics& diags) {
  std::vector<char> reused_documents;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (cache && !files.reused[i]) {
      auto& slot = cache->files[docs[i]->path];
      slot = {files.mtimes[i], files.sizes[i], files.parsed[i],
              files.local[i],  std::nullopt,   std::move(files.front_matters[i])};
    }
    diags.append(files.local[i]);
    if (files.parsed[i]) {
      SiteLoader::add(site, std::move(*files.parsed[i]));
      reused_documents.push_back(files.reused[i]);
    }
  }
  if (cache) {
    cache->parsed = static_cast<std::size_t>(std::count(files.reused.begin(), files.reused.end(), 0));
    std::erase_if(cache->files, [&](const auto& f) {
      return std::none_of(docs.begin(), docs.end(), [&](const ContentEntry* e) { return e->path == f.first; });
    });
  }
  return reused_documents;
}

// Documents by path, meetings by folder and assets by path.
void index_site(Site& site) {
  for (std::size_t i = 0; i < site.size(); ++i) {
    const Document& d = site.document(i);
    site.by_path[d.path] = i;
    if (d.kind == Kind::meeting) site.meeting_by_folder[d.meeting] = i;
  }
  for (std::size_t i = 0; i < site.assets.size(); ++i) site.asset_by_path[site.assets[i].path] = i;
}

// The ids the site's theme gives its pages; false, with why reported, when
// the theme cannot be found or its sections.toml read.
bool read_theme(Site& site, Diagnostics& diags) {
  const std::string& name = site.config.theme;
  const auto folder = theme_folder(site.root, name);
  if (!folder) {
    diags.error("site.toml", {}, "config", "there is no theme \"" + name + "\" in " + (site.root / "themes").string(),
                "set `theme` in site.toml to the name of a folder under themes/");
    return false;
  }
  const fs::path file = *folder / "sections.toml";
  const fs::path relative = file.lexically_relative(site.root);
  const bool inside = !relative.empty() && *relative.begin() != "..";
  auto ids = read_theme_ids(*folder, inside ? relative.string() : file.string(), diags);
  if (!ids) return false;
  site.theme_ids = std::move(*ids);
  return true;
}

// The path the site is served under: the one asked for, else base_url's.
std::string root_path_of(const SiteConfig& config, const LoadOptions& options) {
  if (options.root_path) return *options.root_path;
  return urls::root_path(config.base_url);
}

// Notes and papers take their meeting's date.
void date_by_meeting(Site& site, Diagnostics& diags) {
  std::set<std::string> reported;
  for (std::size_t i = 0; i < site.size(); ++i) {
    Document& d = SiteLoader::document(site, i);
    if (d.kind != Kind::notes && d.kind != Kind::paper) continue;
    if (const Document* m = site.meeting_of(d)) {
      d.date = m->date;
    } else if (reported.insert(d.meeting).second) {
      diags.error(meeting_file(d.meeting, "_index.md"), {}, "front-matter",
                  "the meeting folder " + d.meeting + " holds notes or papers but no _index.md",
                  "add _index.md with the meeting's title, date and agenda [[items]]");
    }
  }
}

// An asset is withheld when it sits in an unpublished meeting's folder or an
// unpublished document links to it: it is then part of what may not be published.
void decide_asset_publication(Site& site) {
  std::set<std::string> withheld;
  for (std::size_t i = 0; i < site.size(); ++i) {
    if (site.published(i)) continue;
    for (const auto& link : site.links_of(i))
      if (link.internal) withheld.insert(link.target_path);
  }
  for (auto& a : site.assets) {
    if (withheld.count(a.path)) a.published = false;
    if (a.path.starts_with("content/meetings/")) {
      const auto it = site.meeting_by_folder.find(meeting_folder(a.path));
      if (it == site.meeting_by_folder.end() || !site.published(it->second)) a.published = false;
    }
  }
}

// Each document's BodyMemo key: its Markdown and options, and `salt`. What
// its links resolve to is not in the key: a kept text is taken only while
// they resolve as when it was kept (Site::addresses_of), so that a page added,
// moved or deleted renders again only the texts that link to it.
std::vector<std::uint64_t> body_keys(const Site& site, const std::string& salt, int jobs) {
  const std::string salted = std::to_string(content_hash("portal text 3\n" + salt));
  std::vector<std::uint64_t> keys(site.size());
  parallel_for(site.size(), jobs, [&](std::size_t i) {
    const Document& d = site.document(i);
    const MarkdownOptions o = site.markdown_options(d);
    // Each value with its length before it: no two sets of values give the same text.
    std::string made_of = salted + ' ' + std::to_string(content_hash(d.body)) + ' ' + std::to_string(d.body.size()) +
                          (o.allow_raw_html ? " raw" : " -") + (o.anchors ? " anchors " : " - ") +
                          std::to_string(o.first_line);
    auto field = [&made_of](std::string_view what, const std::string& value) {
      made_of += ' ';
      made_of += what;
      made_of += std::to_string(value.size()) + ':' + value;
    };
    field("url", o.page_url);
    field("base", o.absolute_base);
    for (const auto& id : o.taken_ids) field("id", id);
    for (const auto& words : o.printed_only) field("printed", words);
    keys[i] = content_hash(made_of);
  });
  return keys;
}

// The kept texts of `kept` (document, bytes) read into `bodies` on `jobs`
// threads; a document whose text cannot be read, or whose links resolve in
// `site` otherwise than when it was kept, is added to `to_render`.
void decode_kept(const Site& site, const std::vector<std::pair<std::size_t, std::string_view>>& kept,
                 std::vector<RenderedMarkdown>& bodies, std::vector<std::size_t>& to_render, int jobs) {
  std::vector<char> failed(kept.size(), 0);
  parallel_for(kept.size(), jobs, [&](std::size_t k) {
    const auto& [i, bytes] = kept[k];
    std::uint64_t addresses = 0;
    if (!wire::Reader::kept_body(bytes, addresses, bodies[i]) || addresses != site.addresses_of(bodies[i])) {
      bodies[i] = {};
      failed[k] = 1;
    }
  });
  for (std::size_t k = 0; k < kept.size(); ++k)
    if (failed[k]) to_render.push_back(kept[k].first);
  std::sort(to_render.begin(), to_render.end());
}

// Renders the Markdown of every document on `jobs` threads. Links resolve
// against the set of files: while it is unchanged, a cached file's rendered
// Markdown is still right.
void render_site_bodies(Site& site, const std::vector<char>& reused_documents, const LoadOptions& options, int jobs) {
  SiteCache* cache = options.cache;
  std::vector<std::string> paths;
  for (const auto& d : site.documents()) paths.push_back(d.path);
  for (const auto& a : site.assets) paths.push_back(a.path);
  const bool same_files = cache && cache->paths == paths;
  std::vector<RenderedMarkdown> bodies(site.size());
  std::vector<char> rendered(site.size(), 0);
  std::vector<std::size_t> to_render;
  std::vector<std::pair<std::size_t, std::string_view>> to_decode;  // kept texts, by document
  BodyMemo* memo = options.bodies;
  if (memo) memo->keys = body_keys(site, memo->salt, jobs);
  for (std::size_t i = 0; i < site.size(); ++i) {
    if (same_files && reused_documents[i]) {
      if (const auto& cached = cache->files.at(site.document(i).path).body) {
        bodies[i] = *cached;
        continue;
      }
    }
    if (memo) {
      if (const auto kept = memo->stored.find(memo->keys[i]); kept != memo->stored.end()) {
        to_decode.emplace_back(i, kept->second);
        continue;
      }
    }
    to_render.push_back(i);
  }
  decode_kept(site, to_decode, bodies, to_render, jobs);
  for (const std::size_t i : to_render) rendered[i] = 1;
  if (memo) {
    memo->rendered = to_render.size();
    for (const auto& [i, bytes] : to_decode)
      if (rendered[i]) memo->not_taken.push_back(memo->keys[i]);  // kept, but not taken
    memo->stored.clear();                                         // read: the store's bytes are let go
    memo->bytes.reset();
  }
  render_bodies(
      to_render, {jobs, options.fork_bodies_from},
      [&site](std::size_t i) {
        const Document& d = site.document(i);
        return render_markdown(d.body, site.markdown_options(d));
      },
      bodies);
  if (cache) {
    cache->paths = std::move(paths);
    cache->rendered = static_cast<std::size_t>(std::count(rendered.begin(), rendered.end(), 1));
    for (std::size_t i = 0; i < site.size(); ++i)
      if (rendered[i]) cache->files[site.document(i).path].body = bodies[i];
  }
  SiteLoader::set_bodies(site, bodies);
}

}  // namespace

LoadResult load_site(const fs::path& root, const LoadOptions& options, int jobs, Diagnostics& diags) {
  LoadResult result;
  auto config = load_config(root, diags);
  if (!config) {
    result.failure = LoadFailure::config;
    return result;
  }

  Site site;
  site.root = root;
  site.config = std::move(*config);
  if (options.base_url) site.config.base_url = as_folder(*options.base_url);
  if (!read_theme(site, diags)) {
    result.failure = LoadFailure::config;
    return result;
  }
  const auto entries = walk_content(root, diags);
  const auto docs = sort_entries(site, entries, diags);
  ParsedFiles files = parse_documents(root, docs, options.cache, jobs);
  const auto reused_documents = gather_documents(site, docs, files, options.cache, diags);
  index_site(site);
  site.today = options.today;
  site.root_path = root_path_of(site.config, options);
  SiteLoader::order_agreements(site);
  date_by_meeting(site, diags);
  render_site_bodies(site, reused_documents, options, jobs);
  // What may be published, decided once every text is rendered: an unpublished one keeps no HTML.
  SiteLoader::decide_publication(site, options.drafts);
  decide_asset_publication(site);
  result.site = std::move(site);
  return result;
}

}  // namespace portal
