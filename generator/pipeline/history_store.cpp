#include "history_store.h"

#include <algorithm>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_state.h"
#include "files.h"
#include "history_view.h"
#include "markdown_wire.h"
#include "output.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

// The store's first line: its format and its key (hashed), so that a store
// kept for another program, source folder or settings is never taken.
std::string heading(const std::string& key) { return "portal history 1 " + content_hash_hex(key) + "\n"; }

// The released files of `site`, sorted: a history kept for them names no other.
std::vector<std::string> released_files(const Site& site) {
  std::vector<std::string> files{"content/plans.toml"};  // never withheld: no commit is private for it
  for (std::size_t i = 0; i < site.size(); ++i)
    if (site.released(i)) files.push_back(site.document(i).path);
  for (const auto& asset : site.assets)
    if (asset.published) files.push_back(asset.path);
  std::sort(files.begin(), files.end());
  return files;
}

// Whether a page of `site` shows the summaries of commits to `path`.
bool summaries_shown(const Site& site, const std::string& path) {
  const auto doc = site.by_path.find(path);
  return doc != site.by_path.end() && history_mode(site, site.document(doc->second)) == HistoryMode::full;
}

// The released documents whose pages show no commit's words, sorted.
std::vector<std::string> without_words(const Site& site, const std::vector<std::string>& released) {
  std::vector<std::string> out;
  for (const auto& path : released)
    if (site.by_path.count(path) && !summaries_shown(site, path)) out.push_back(path);
  return out;
}

// The settings that decide what of a commit pages show.
std::string history_settings(const SiteConfig& config) {
  return std::to_string(static_cast<int>(config.history_mode)) + (config.show_authors ? " authors" : "") +
         (config.commit_url.empty() ? "" : " links");
}

// What a history is kept under in `site`: its history_settings(), and the
// hash of the words content/history.toml gives commits.
std::string kept_under(const Site& site) {
  std::string all = history_settings(site.config) + '\n';
  for (const auto& [id, words] : site.change_wording)
    all += std::to_string(id.size()) + ' ' + id + std::to_string(words.size()) + words;
  return content_hash_hex(all);
}

// A commit as kept: only its released files, and of the rest only what its
// pages show (history_view.cpp). Listed on a page that shows commits, its
// short id and author; its words (as content/history.toml words them) only
// when it changed nothing unpublished, and its whole id only for the link
// to it. Elsewhere (a review's page), its dates alone.
void write_commit(wire::Writer& out, const Site& site, const std::vector<std::string>& released, const Commit& c) {
  std::vector<std::string> kept;
  for (const auto& path : c.paths)
    if (std::binary_search(released.begin(), released.end(), path)) kept.push_back(path);
  const bool unkept = c.touched_unkept || kept.size() != c.paths.size();
  const bool listed =
      std::any_of(kept.begin(), kept.end(), [&](const std::string& path) { return summaries_shown(site, path); });
  const bool words = listed && !unkept;
  const bool linked = words && !site.config.commit_url.empty();
  out.text(linked ? c.hash : listed ? c.hash.substr(0, 7) : std::string());
  out.text(words ? c.summary : std::string());
  out.text(listed && site.config.show_authors ? c.author : std::string());
  out.number(static_cast<std::uint64_t>(static_cast<std::int64_t>(c.date.day_number())));
  out.number(static_cast<std::uint64_t>(c.time));
  out.number(unkept ? 1 : 0);
  out.texts(kept);
}

// A commit as write_commit kept it, its files among `kept_for`.
bool read_commit(wire::Reader& in, const std::vector<std::string>& kept_for, Commit& c) {
  // Days from 1970 to a date any commit can have (and its time): far past 9999 is not one this program wrote.
  constexpr std::int64_t kLastDay = 3'000'000;
  if (!in.text(c.hash) || !in.text(c.summary) || !in.text(c.author)) return false;
  const auto day = in.number(), time = in.number(), unkept = in.number();
  if (!day || !time || !unkept || *unkept > 1 || !in.texts(c.paths)) return false;
  const auto day_number = static_cast<std::int64_t>(*day), seconds = static_cast<std::int64_t>(*time);
  if (day_number < -kLastDay || day_number > kLastDay || seconds < -kLastDay * 86400 || seconds > kLastDay * 86400)
    return false;
  for (const auto& path : c.paths)
    if (!std::binary_search(kept_for.begin(), kept_for.end(), path)) return false;
  c.date = from_day_number(static_cast<int>(day_number));
  c.time = seconds;
  c.touched_unkept = *unkept == 1;
  return true;
}

// The history in `payload`; none when it does not read to its end.
std::optional<History> read_payload(std::string_view payload) {
  // The fewest bytes a commit takes: seven numbers (three texts' lengths, the dates, the flag, the files' count).
  constexpr std::size_t kSmallestCommit = 7 * sizeof(std::uint64_t);
  wire::Reader in(payload);
  History h;
  h.available = true;
  if (!in.text(h.head) || !in.text(h.kept_under) || !in.texts(h.kept_for) || h.kept_for.empty() ||
      !std::is_sorted(h.kept_for.begin(), h.kept_for.end()) || !in.texts(h.kept_without_words) ||
      !std::is_sorted(h.kept_without_words.begin(), h.kept_without_words.end()))
    return std::nullopt;
  const auto commits = in.number();
  if (!commits || *commits > (payload.size() - in.position()) / kSmallestCommit) return std::nullopt;
  h.commits.resize(static_cast<std::size_t>(*commits));
  for (std::uint32_t i = 0; i < h.commits.size(); ++i) {
    if (!read_commit(in, h.kept_for, h.commits[i])) return std::nullopt;
    for (const auto& path : h.commits[i].paths) h.by_path[path].push_back(i);
  }
  if (in.position() != payload.size()) return std::nullopt;
  return h;
}

}  // namespace

std::string history_store_key(const fs::path& source, const SiteConfig& config) {
  // The settings here too, though kept_under() holds them: a store kept under others is refused before loading,
  // and the history is then read whole beside the content rather than after it.
  return program_identity() + '\n' + source_root(source).string() + '\n' + history_settings(config);
}

std::optional<History> read_history_store(const fs::path& output, const std::string& key) {
  if (program_identity().empty()) return std::nullopt;
  constexpr std::size_t kLargest = std::size_t{1} << 30;  // far more than any history's: not a store of this program's
  std::optional<std::string> text;
  if (!read_regular_file(history_store_file(output), kLargest, [&](std::size_t size) {
        text.emplace(size, '\0');
        return text->data();
      }))
    text.reset();
  const std::string head = heading(key);
  // The heading, the history, and the hash of the history's bytes.
  if (!text || text->size() < head.size() + 8 || !text->starts_with(head)) return std::nullopt;
  const std::string_view payload = std::string_view(*text).substr(head.size(), text->size() - head.size() - 8);
  std::uint64_t hash = 0;
  std::memcpy(&hash, text->data() + text->size() - 8, 8);
  if (hash != content_hash(payload)) return std::nullopt;
  return read_payload(payload);
}

void save_history_store(const fs::path& output, const std::string& key, const Site& site, const History& history) {
  const fs::path file = history_store_file(output);
  std::error_code ec;
  fs::remove(file, ec);
  if (!history.available || history.head.empty() || program_identity().empty()) return;
  const auto released = released_files(site);
  wire::Writer out;
  out.text(history.head);
  out.text(kept_under(site));
  out.texts(released);
  out.texts(without_words(site, released));
  // Only the commits that changed a released document: no page shows another while the store is taken.
  std::vector<const Commit*> kept;
  for (const auto& c : history.commits)
    if (std::any_of(c.paths.begin(), c.paths.end(), [&](const std::string& path) {
          const auto doc = site.by_path.find(path);
          return doc != site.by_path.end() && site.released(doc->second);
        }))
      kept.push_back(&c);
  out.number(kept.size());
  for (const Commit* c : kept) write_commit(out, site, released, *c);
  std::string bytes = heading(key) + out.bytes();
  const std::uint64_t hash = content_hash(out.bytes());
  bytes.append(reinterpret_cast<const char*>(&hash), sizeof hash);
  // Without waiting for the disk: a store cut short is never taken (its hash).
  replace_file_unsynced(file, [&](int fd) { return write_all(fd, bytes); });
}

bool history_covers(const Site& site, const History& history) {
  if (history.kept_for.empty()) return true;  // read whole
  // Kept under other settings (site.toml may have changed since the store was
  // chosen by it), or other words from content/history.toml.
  if (history.kept_under != kept_under(site)) return false;
  const auto& kept = history.kept_for;
  auto is_kept = [&](const std::string& path) { return std::binary_search(kept.begin(), kept.end(), path); };
  const auto& quiet = history.kept_without_words;
  for (std::size_t i = 0; i < site.size(); ++i) {
    const std::string& path = site.document(i).path;
    if (!site.published(i)) continue;
    if (!is_kept(path)) return false;
    // Its commits were kept without their words, which its page now shows.
    if (summaries_shown(site, path) && std::binary_search(quiet.begin(), quiet.end(), path)) return false;
  }
  for (const auto& asset : site.assets)
    if (asset.published && !is_kept(asset.path)) return false;
  return true;
}

}  // namespace portal
