// The loaded site: configuration, every document and asset, every URL known
// before any rendering, and what may be published (nothing restricted, no
// draft, nothing dated in the future).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ranges>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config.h"
#include "content_tree.h"
#include "diagnostics.h"
#include "markdown.h"
#include "model.h"
#include "theme_ids.h"

namespace portal {

struct Plan {
  Located<std::string> id;
  std::string title;
  std::string owner;
  std::string url;
  std::string period;
  // The title as an agreement prints it where it differs from `title`, by
  // the agreement's slug ("2017-04" → "Kent Drug and Alcohol Strategy (draft)").
  std::map<std::string, Located<std::string>> printed;
  // The title as the agreement `slug` prints it.
  [[nodiscard]] const std::string& title_in(const std::string& slug) const {
    const auto it = printed.find(slug);
    return it == printed.end() ? title : it->second.value;
  }
};

struct Asset {
  std::string path;  // "content/meetings/2020-03-18/b1.pdf"
  std::string url;   // "/meetings/2020-03-18/b1.pdf"
  bool published = true;
};

enum class Drafts { hide, show };

// What a previous load parsed, so a reload parses only the files that changed
// (`portal serve`). Markdown is rendered again only for changed files, unless a
// file was added or removed, since links resolve against the set of files.
struct SiteCache {
  struct File {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    std::optional<Document> document;
    Diagnostics diagnostics;
    std::optional<RenderedMarkdown> body;
    std::string front_matter;  // the file's text up to its body
  };
  std::map<std::string, File> files;  // by path
  std::vector<std::string> paths;     // every document and asset of the last load
  std::size_t parsed = 0;             // files the last load parsed
  std::size_t rendered = 0;           // bodies the last load rendered
};

// What the last build rendered of each released text, kept beside its
// output (body_store.h), so that a build renders only the texts that changed.
// A text's key is made of its Markdown, its options and `salt`, the program
// that renders; a kept text is taken only while its links resolve to the
// addresses they resolved to when it was kept (Site::addresses_of).
struct BodyMemo {
  std::string salt;
  // The kept texts by key, each as wire::Writer::kept_body wrote it:
  // a load reads only what it uses, on several threads, then lets them go.
  std::unordered_map<std::uint64_t, std::string_view> stored;
  std::shared_ptr<const char> bytes;  // what `stored` views
  std::vector<std::uint64_t> keys;    // set by a load: each document's key, in order
  std::size_t rendered = 0;           // texts the load rendered
  // Each file of the store read whole (body_store.h): the keys it held, in
  // order, and its file_identity() when read. A file that would hold
  // the same keys, still as it was read, is not written again.
  struct KeptFile {
    std::vector<std::uint64_t> keys;
    std::string identity;
  };
  std::vector<std::optional<KeptFile>> kept_files;
  // Keys kept but not taken (their bytes made no text, or its links now resolve otherwise): their files are
  // written again.
  std::vector<std::uint64_t> not_taken;
};

struct LoadOptions {
  Drafts drafts = Drafts::hide;
  Date today;
  SiteCache* cache = nullptr;
  BodyMemo* bodies = nullptr;
  // Render Markdown in worker processes when at least this many bodies need
  // it (0: only threads; see markdown_workers.h).
  std::size_t fork_bodies_from = 0;
  // The path the site is served under, when not base_url's (the preview's "/").
  std::optional<std::string> root_path;
  // The site's public address instead of site.toml's base_url (checked with check_base_url).
  std::optional<std::string> base_url;
};

// One document of the site and what the site derives from it.
struct SiteDocument {
  Document document;
  // Its rendered Markdown; an unpublished document's keeps its links, headings
  // and ids for the checks, never its HTML.
  RenderedMarkdown body;
  std::string withheld_because;  // empty when published
  bool released = false;         // published by a build without --drafts
};

class Site {
 public:
  std::filesystem::path root;
  SiteConfig config;
  ThemeIds theme_ids;  // the ids the theme gives a document's page
  std::vector<Plan> plans;
  // The public wording of past changes whose commit message was written for
  // developers, by commit id (7 to 40 hexadecimal digits): content/history.toml.
  std::map<std::string, std::string> change_wording;
  std::vector<Asset> assets;
  std::map<std::string, std::size_t> by_path;            // "content/…" → document index
  std::map<std::string, std::size_t> meeting_by_folder;  // "2020-03-18" → document index
  std::map<std::string, std::size_t> asset_by_path;      // "content/…" → asset index
  std::vector<std::size_t> agreements;                   // non-draft agreements, by effective date
  Date today;
  // The path the site is served under ("/portal/" for base_url
  // https://example.org/portal/; "/" for the preview): the 404 page, served
  // at any depth, finds everything from it.
  std::string root_path = "/";

  // The documents, sorted by path: `for (const Document& d : site.documents())`.
  [[nodiscard]] auto documents() const { return std::views::transform(documents_, &SiteDocument::document); }
  [[nodiscard]] std::size_t size() const { return documents_.size(); }
  [[nodiscard]] const Document& document(std::size_t i) const { return documents_[i].document; }
  [[nodiscard]] const RenderedMarkdown& body(std::size_t i) const { return documents_[i].body; }
  [[nodiscard]] bool published(std::size_t i) const { return documents_[i].withheld_because.empty(); }
  // Published by a build without --drafts: what a --drafts preview shows only
  // as a draft is not released (the search index holds released documents alone).
  [[nodiscard]] bool released(std::size_t i) const { return documents_[i].released; }
  // Why document `i` is not published ("restricted", "a draft", …); empty when it is.
  [[nodiscard]] const std::string& why_withheld(std::size_t i) const { return documents_[i].withheld_because; }

  // Puts `d` (of the same path) in place of document `i`, with `body` its
  // rendered Markdown, and decides again what derives from it: whether and why
  // not it is published, and the order of agreements. Gives what it replaced,
  // for put_back.
  SiteDocument replace(std::size_t i, Document d, RenderedMarkdown body);
  // Puts back what `replace` gave.
  void put_back(std::size_t i, SiteDocument old);
  // Frees the Markdown source of every document not of `keep`'s kinds (a
  // build that has checked the site and renders only from the parsed fields).
  void drop_markdown_except(std::initializer_list<Kind> keep);

  // The agreement in force on `date`: the non-draft agreement with the
  // latest effective date on or before it; with Published::only, the latest
  // published one. nullptr when none is.
  enum class Scope { non_draft, published };
  [[nodiscard]] const Document* agreement_in_force(const Date& date, Scope scope) const;

  [[nodiscard]] const Document* find(const std::string& path) const;
  [[nodiscard]] const Plan* plan(std::string_view id) const;  // by id, from content/plans.toml
  [[nodiscard]] const Document* meeting_of(const Document& d) const;
  [[nodiscard]] const Document* meeting(const std::string& folder) const;  // by folder, "2020-03-18"
  [[nodiscard]] const Document* notes_of(const Document& meeting) const;
  // The paper an agenda item names (`paper = "b1.md"`), when its meeting's folder holds it.
  [[nodiscard]] const Document* paper_of(const Document& meeting, const AgendaItem& item) const;
  [[nodiscard]] bool is_published(const Document& d) const;
  [[nodiscard]] bool is_released(const Document& d) const;  // published by a build without --drafts
  // Whether a dated document (an event) is still to come: its day, or its
  // month where only the month is known, has not passed.
  [[nodiscard]] bool is_upcoming(const Document& d) const { return d.date && today <= d.date->last_possible(); }
  // The published documents of one kind, as indices in path order.
  [[nodiscard]] std::vector<std::size_t> published_of(Kind kind) const;
  // The URL of a document or asset by its source path, when it exists.
  [[nodiscard]] std::optional<std::string> url_of(const std::string& path) const;
  // The hash of the addresses the `@/` links of `body` resolve to in this site (or that they resolve to
  // none), in their order: all a rendered text takes from the rest of the site. None when a link of `body`
  // says it resolves, or not, otherwise than it does here: no rendering in this site made such a text.
  [[nodiscard]] std::optional<std::uint64_t> addresses_of(const RenderedMarkdown& body) const;
  // Every link a document makes: those of its text, then the `@/` links of
  // its front matter (Document::field_links), resolved the same way.
  [[nodiscard]] std::vector<Link> links_of(std::size_t index) const;
  // How a document's Markdown is rendered for its page: its address, its
  // first line, the site's links and the ids its page already uses.
  [[nodiscard]] MarkdownOptions markdown_options(const Document& d) const;
  // Ids the theme gives the sections of a document's page, so `@/` links may
  // point at them (e.g. `@/agreements/2020-04.md#leads`). Only sections the
  // page shows are listed.
  [[nodiscard]] std::vector<std::string> theme_anchors(const Document& d) const;
  // The ids of a meeting's agenda items on its page ("item-b1"), so that a
  // paper, a minute or a link can point at its item; none for other kinds.
  [[nodiscard]] std::vector<std::string> item_ids(const Document& d) const;
  // The priority and theme ids the record tags a document with: its own
  // `priorities`, then those site.toml's [kind_priorities] gives its kind.
  [[nodiscard]] std::vector<std::string> tags_of(const Document& d) const;
  // Every id the theme puts on a document's page besides its text's headings:
  // a heading of the text never takes one of them (it gets a suffix instead).
  [[nodiscard]] std::vector<std::string> page_ids(const Document& d) const;

 private:
  friend class SiteLoader;  // load.cpp, which fills a site once
  // Whether and why not each document is published, as a build with `drafts_` decides.
  void decide_publication(std::size_t i);
  void order_agreements();

  std::vector<SiteDocument> documents_;  // sorted by path
  Drafts drafts_ = Drafts::hide;
};

// Why `d` is not published by a build with `drafts` ("restricted", "a draft",
// "dated in the future (…)", …); empty when it is. A notes or paper file
// follows its meeting, and a restricted agenda item's paper is never published.
std::string withheld_because(const Site& site, const Document& d, Drafts drafts);

// Why loading stopped short of a site that can be checked.
enum class LoadFailure { none, config };

struct LoadResult {
  std::optional<Site> site;
  LoadFailure failure = LoadFailure::none;
};

// Reads site.toml and the whole content tree, parses every document and its
// Markdown (on `jobs` threads), assigns URLs and decides what is published.
LoadResult load_site(const std::filesystem::path& root, const LoadOptions& options, int jobs, Diagnostics& diags);

// Content files whose problems must not be quoted where a person other than
// the terminal's reader could see them (the preview's problem panel): their
// messages may hold restricted text. Restricted documents, the papers and
// notes of restricted meetings and agenda items, and any content file that
// could not be read as a document but mentions "restricted".
std::set<std::string> restricted_files(const Site& site, const Diagnostics& diags);

// Whether a problem found in `site` is about, or names, what a build without
// --drafts does not publish: a document not released (a draft, restricted,
// dated in the future), a content file that is no released document or
// published file, or one whose path or address it mentions. The build state
// keeps the problems it prints again in clear, so it keeps none of these.
bool quotes_unpublished(const Site& site, const Diagnostics& diags);

// URL of a document from its place in the tree: content/x/y.md at /x/y/, an _index.md at its folder.
std::string url_for(const ContentEntry& e);

}  // namespace portal
