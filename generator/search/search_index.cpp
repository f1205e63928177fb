#include "search_index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <numeric>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "files.h"
#include "json.h"
#include "output.h"
#include "parallel.h"
#include "priority_stories.h"
#include "search_entries.h"
#include "search_text.h"

namespace portal {

namespace {

using search::Entry;

// Pieces: what one fetch brings. Sizes are of the uncompressed text.
constexpr std::size_t kDocsPerPiece = 32;
constexpr std::size_t kWordsPieceBytes = 8 * 1024;
constexpr std::size_t kStemsPieceBytes = 16 * 1024;
// What a change to how the index is made must change, so that a build never
// keeps an index made the old way (render_search_index's `previous`).
constexpr const char* kIndexFormat = "portal search index 1";
// Entries of a directory piece (a list of pieces).
constexpr std::size_t kDirectory = 64;

// BM25F: each field's weight and length normalisation, and k1.
enum Field : std::size_t { kTitle, kHeading, kFact, kBody, kFields };
struct FieldWeight {
  double weight;
  double b;
};
// A heading is judged by itself, not by how many the page has: b = 0.
constexpr std::array<FieldWeight, kFields> kWeights = {{{6.0, 0.5}, {3.0, 0.0}, {1.5, 0.5}, {1.0, 0.75}}};
constexpr double kK1 = 1.2;
// Besides BM25F, each word earns this many times its idf for the share of
// the title it is: a page whose title is the query ("Meetings", "Road
// Safety") comes before pages that only use its words often.
constexpr double kTitleShare = 2.0;
// And this many for being in the title at all: the more of the query a
// title holds, the better the page answers it.
constexpr double kInTitle = 1.0;
// Impacts are stored as 1–255 on a logarithmic scale spanning this ratio.
constexpr double kImpactRange = 10000.0;

// One page's words, by stem.
struct Indexed {
  std::uint32_t worker = 0;          // the Worker whose stem numbers `stems` holds
  std::vector<std::uint32_t> stems;  // that Worker's numbers of the page's stems
  std::vector<std::array<std::uint16_t, kFields>> tf;
  // Text offset + 1 of its first place in a heading, else in the text; 0: title only.
  std::vector<std::uint32_t> first;
  std::vector<std::uint8_t> first_in_heading;
  std::string places;  // each stem's positions, as numbers
  std::vector<std::uint32_t> places_end;
  std::array<std::uint32_t, kFields> length{};
};

// Words met, each with the number of its stem: open addressing over one
// array, the words' bytes in one string. Found with one probe, mostly: a
// word is looked up for every word of every page.
class WordTable {
 public:
  WordTable() : slots_(1 << 16) {}
  // The stem number of `word`, or `missing` (and `slot` where to add it).
  std::uint32_t find(std::string_view word, std::uint64_t hash, std::size_t& slot) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.length == 0) {
        slot = i;
        return kMissing;
      }
      if (s.hash == hash && s.length == word.size() && same(bytes_.data() + s.offset, word)) return s.stem;
    }
  }
  void add(std::size_t slot, std::string_view word, std::uint64_t hash, std::uint32_t stem) {
    slots_[slot] = {hash, static_cast<std::uint32_t>(bytes_.size()), static_cast<std::uint32_t>(word.size()), stem};
    bytes_.append(word);
    if (++used_ * 2 > slots_.size()) grow();
  }
  template <class Fn>
  void each(Fn&& fn) const {
    for (const auto& s : slots_)
      if (s.length) fn(std::string_view(bytes_).substr(s.offset, s.length), s.stem);
  }
  static std::uint64_t hash(std::string_view word) {
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
    for (const char c : word) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    return h ^ (h >> 29);
  }
  static constexpr std::uint32_t kMissing = 0xFFFFFFFF;
  static constexpr std::uint32_t kStop = 0xFFFFFFFE;  // a stop word: in the table, in no index

 private:
  // Words are short: compared here rather than by a call to memcmp.
  static bool same(const char* bytes, std::string_view word) {
    for (std::size_t i = 0; i < word.size(); ++i)
      if (bytes[i] != word[i]) return false;
    return true;
  }
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t offset = 0, length = 0, stem = 0;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const auto& s : old) {
      if (!s.length) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].length) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::string bytes_;
  std::size_t used_ = 0;
};

// What a thread keeps between pages: its stemmer, every word it met with
// the number of its stem, and those stems. Numbers, not strings, from here on.
struct Worker {
  std::uint32_t index = 0;
  search::Stemmer stemmer;
  WordTable words;
  std::unordered_map<std::string, std::uint32_t> stem_numbers;
  std::vector<std::string_view> stems;  // by number (views of stem_numbers' keys)
  // Scratch, reused page after page: each stem's place in the page's lists, valid when its stamp is the page's.
  std::vector<std::uint32_t> slot, stamp;
  std::uint32_t page = 0;
  struct Hit {
    std::uint32_t stem, ordinal;
  };
  std::vector<Hit> hits;
  std::vector<std::uint32_t> count, order;

  // The number of the stem of `word`, or WordTable::kStop for a stop word.
  std::uint32_t stem_of(std::string_view word) {
    const std::uint64_t hash = WordTable::hash(word);
    std::size_t free_slot = 0;
    if (const auto stem = words.find(word, hash, free_slot); stem != WordTable::kMissing) return stem;
    if (search::is_stop_word(word)) {  // remembered as such: looked up once a word, not once a place
      words.add(free_slot, word, hash, WordTable::kStop);
      return WordTable::kStop;
    }
    const auto [at, added] = stem_numbers.emplace(stemmer.stem(word), static_cast<std::uint32_t>(stems.size()));
    if (added) stems.push_back(at->first);
    words.add(free_slot, word, hash, at->second);
    return at->second;
  }
};

void index_entry(const Entry& e, Worker& w, Indexed& out) {
  out.worker = w.index;
  ++w.page;
  w.hits.clear();
  auto add = [&](std::string_view word, std::uint32_t offset, std::uint32_t ordinal, bool joined, Field field) {
    const std::uint32_t stem = w.stem_of(word);
    if (stem == WordTable::kStop) return;
    if (stem >= w.stamp.size()) {
      w.stamp.resize(stem + 1024, 0);
      w.slot.resize(stem + 1024, 0);
    }
    if (w.stamp[stem] != w.page) {
      w.stamp[stem] = w.page;
      w.slot[stem] = static_cast<std::uint32_t>(out.stems.size());
      out.stems.push_back(stem);
      out.tf.push_back({});
      out.first.push_back(0);
      out.first_in_heading.push_back(0);
    }
    const std::uint32_t s = w.slot[stem];
    auto& tf = out.tf[s][field];
    if (tf < 0xFFFF) ++tf;
    // The passage shown and the heading linked to: where the word heads a part, if it does.
    if (field != kTitle && (out.first[s] == 0 || (field == kHeading && !out.first_in_heading[s]))) {
      out.first[s] = offset + 1;
      out.first_in_heading[s] = field == kHeading;
    }
    if (!joined) ++out.length[field];  // a joined form is a second reading of two words
    w.hits.push_back({s, ordinal});
  };
  std::uint32_t next =
      search::for_each_word(e.title, 0, [&](std::string_view word, std::uint32_t, std::uint32_t ordinal, bool joined) {
        add(word, 0, ordinal, joined, kTitle);
      });
  std::size_t section = 0;
  search::for_each_word(
      e.text, next + search::kLineGap,
      [&](std::string_view word, std::uint32_t offset, std::uint32_t ordinal, bool joined) {
        while (section < e.sections.size() && e.sections[section].offset + e.sections[section].size <= offset)
          ++section;
        Field field = offset < e.facts_end ? kFact : kBody;
        if (section < e.sections.size() && offset >= e.sections[section].offset) field = kHeading;
        add(word, offset, ordinal, joined, field);
      });
  // Each stem's positions: the hits grouped by stem, in order (a counting sort).
  const std::size_t stems = out.stems.size();
  w.count.assign(stems + 1, 0);
  for (const auto& h : w.hits) ++w.count[h.stem + 1];
  for (std::size_t s = 0; s < stems; ++s) w.count[s + 1] += w.count[s];
  w.order.resize(w.hits.size());
  {
    std::vector<std::uint32_t> fill(w.count.begin(), w.count.end() - 1);
    for (const auto& h : w.hits) w.order[fill[h.stem]++] = h.ordinal;
  }
  out.places.reserve(w.hits.size() * 2 + stems);
  out.places_end.reserve(stems);
  for (std::size_t s = 0; s < stems; ++s) {
    const auto begin = w.order.begin() + w.count[s], end = w.order.begin() + w.count[s + 1];
    if (!std::is_sorted(begin, end)) std::sort(begin, end);
    search::append_number(out.places, static_cast<std::uint32_t>(end - begin));
    std::uint32_t previous = 0;
    for (auto p = begin; p != end; ++p) {
      search::append_number(out.places, *p - previous);
      previous = *p;
    }
    out.places_end.push_back(static_cast<std::uint32_t>(out.places.size()));
  }
}

// Runs index_entry over every entry on `jobs` threads, each with a Worker of its own.
std::vector<std::unique_ptr<Worker>> index_all(const std::vector<Entry>& entries, std::vector<Indexed>& out, int jobs) {
  const std::size_t threads =
      std::max<std::size_t>(1, std::min<std::size_t>(entries.size(), static_cast<std::size_t>(std::max(1, jobs))));
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.push_back(std::make_unique<Worker>());
    workers.back()->index = static_cast<std::uint32_t>(t);
  }
  std::atomic<std::size_t> next{0};
  auto run = [&](Worker& w) {
    for (std::size_t i = next++; i < entries.size(); i = next++) index_entry(entries[i], w, out[i]);
  };
  {
    std::vector<std::jthread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back([&, t] { run(*workers[t]); });
    run(*workers[0]);
  }
  return workers;
}

std::string hash_name(std::string_view bytes) {
  char name[9];
  std::snprintf(name, sizeof name, "%08x", static_cast<unsigned>(content_hash(bytes) >> 32));
  return name;
}

void json_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out += ':';
}

// The order of pages in the index: by kind, priorities and year, so that the
// filters' values are runs of consecutive pages (meta.json's "groups").
void sort_entries(std::vector<Entry>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.priorities != b.priorities) return a.priorities < b.priorities;
    if (a.year != b.year) return a.year < b.year;
    return a.url < b.url;
  });
}

// Cuts `n` items, each of the given size, into pieces of about `target` bytes.
std::vector<std::size_t> cut(std::size_t n, std::size_t target, const std::function<std::size_t(std::size_t)>& size) {
  std::vector<std::size_t> starts;
  std::size_t filled = target;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = size(i);
    if (filled + s > target && filled > 0) {
      starts.push_back(i);
      filled = 0;
    }
    filled += s;
  }
  if (starts.empty()) starts.push_back(0);
  return starts;
}

}  // namespace

void render_search_index(const Site& site, int jobs, const std::function<void(RenderedFile&&)>& emit,
                         const std::filesystem::path& previous, bool* reused) {
  if (reused) *reused = false;
  const PriorityStories stories = priority_stories(site);
  std::vector<Entry> entries = search::entries(site, stories, jobs);
  // The priority filter's values in the order it lists them: by name.
  std::vector<std::size_t> by_name(stories.stories.size());
  std::iota(by_name.begin(), by_name.end(), 0);
  std::stable_sort(by_name.begin(), by_name.end(), [&](std::size_t a, std::size_t b) {
    return stories.stories[a].latest_name() < stories.stories[b].latest_name();
  });
  std::vector<std::size_t> value_of(by_name.size());
  for (std::size_t v = 0; v < by_name.size(); ++v) value_of[by_name[v]] = v;
  for (auto& e : entries) {
    for (auto& p : e.priorities) p = value_of[p];
    std::sort(e.priorities.begin(), e.priorities.end());
  }
  sort_entries(entries);
  const std::size_t n = entries.size();

  // The priority filter's values, as meta.json lists them.
  std::string priorities_json = "[";
  for (std::size_t v = 0; v < by_name.size(); ++v) {
    const auto& story = stories.stories[by_name[v]];
    if (v) priorities_json += ',';
    priorities_json += "{\"id\":";
    append_json_string(priorities_json, story.current_id());
    priorities_json += ",\"name\":";
    append_json_string(priorities_json, story.latest_name());
    priorities_json += ",\"ids\":[";
    for (std::size_t i = 0; i < story.ids.size(); ++i) {
      if (i) priorities_json += ',';
      append_json_string(priorities_json, story.ids[i]);
    }
    priorities_json += "]}";
  }
  priorities_json += ']';
  // Everything the index is made of, in one number: when the index in
  // `previous` was made of the same, it is the index these pages would get.
  std::string fingerprint;
  {
    std::string made_of = std::string(kIndexFormat) + '\n' + priorities_json;
    std::vector<std::uint64_t> texts(n);
    parallel_for(n, jobs, [&](std::size_t d) { texts[d] = content_hash(entries[d].text); });
    for (std::size_t d = 0; d < n; ++d) {
      const Entry& e = entries[d];
      made_of += '\n' + e.url + '\t' + e.title + '\t' + std::to_string(e.kind) + '\t' + std::to_string(e.year) + '\t' +
                 e.date + '\t' + std::to_string(e.boost) + '\t' + std::to_string(e.facts_end) + '\t' +
                 std::to_string(texts[d]);
      for (const auto p : e.priorities) made_of += ',' + std::to_string(p);
      for (const auto& section : e.sections)
        made_of += '\t' + std::to_string(section.offset) + ' ' + std::to_string(section.size) + ' ' + section.anchor +
                   ' ' + section.heading;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(content_hash(made_of)));
    fingerprint = hex;
  }
  if (!previous.empty() && reused) {
    if (const auto before = read_file(previous / "search/meta.json");
        before && before->find("\"fingerprint\":\"" + fingerprint + "\"") != std::string::npos) {
      *reused = true;
      return;
    }
  }

  std::vector<Indexed> indexed(n);
  const auto workers = index_all(entries, indexed, jobs);

  // Every stem, in alphabetical order, with the pages it is found in: each
  // Worker's numbers mapped to the site's, once a stem, not once a page.
  std::unordered_map<std::string_view, std::uint32_t> stem_id;
  std::vector<std::string_view> stem_names;
  std::vector<std::vector<std::uint32_t>> site_number(workers.size());
  for (const auto& w : workers) {
    auto& numbers = site_number[w->index];
    numbers.reserve(w->stems.size());
    for (const auto stem : w->stems) {
      const auto [it, inserted] = stem_id.emplace(stem, static_cast<std::uint32_t>(stem_names.size()));
      if (inserted) stem_names.push_back(stem);
      numbers.push_back(it->second);
    }
  }
  const std::size_t stem_count = stem_names.size();
  std::vector<std::uint32_t> order(stem_count), rank(stem_count);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return stem_names[a] < stem_names[b]; });
  for (std::uint32_t r = 0; r < stem_count; ++r) rank[order[r]] = r;
  for (auto& numbers : site_number)
    for (auto& id : numbers) id = rank[id];
  std::vector<std::vector<std::uint32_t>> ids_of(n);
  std::vector<std::uint32_t> df(stem_count, 0);
  parallel_for(n, jobs, [&](std::size_t d) {
    const auto& numbers = site_number[indexed[d].worker];
    auto& ids = ids_of[d];
    ids.reserve(indexed[d].stems.size());
    for (const auto local : indexed[d].stems) ids.push_back(numbers[local]);
  });
  for (const auto& ids : ids_of)
    for (const auto id : ids) ++df[id];

  // BM25F scores, each page's weight for each of its stems.
  std::array<double, kFields> average{};
  for (const auto& x : indexed)
    for (std::size_t f = 0; f < kFields; ++f) average[f] += x.length[f];
  for (auto& a : average) a = n ? std::max(1.0, a / static_cast<double>(n)) : 1.0;
  std::vector<std::vector<float>> scores(n);
  double highest = 0;
  for (std::size_t d = 0; d < n; ++d) {
    const auto& x = indexed[d];
    std::array<double, kFields> norm{};
    for (std::size_t f = 0; f < kFields; ++f)
      norm[f] = kWeights[f].weight / (1 - kWeights[f].b + kWeights[f].b * x.length[f] / average[f]);
    auto& s = scores[d];
    s.resize(x.stems.size());
    for (std::size_t k = 0; k < x.stems.size(); ++k) {
      double tf = 0;
      for (std::size_t f = 0; f < kFields; ++f) tf += x.tf[k][f] * norm[f];
      const double dfk = df[ids_of[d][k]];
      const double idf = std::log(1 + (static_cast<double>(n) - dfk + 0.5) / (dfk + 0.5));
      const double share =
          x.length[kTitle] ? std::min(1.0, static_cast<double>(x.tf[k][kTitle]) / x.length[kTitle]) : 0;
      // A page's prior weighs its text, not its title.
      s[k] = static_cast<float>(
          idf * (tf * (kK1 + 1) / (kK1 + tf) * entries[d].boost + kTitleShare * share + (share > 0 ? kInTitle : 0)));
      highest = std::max(highest, static_cast<double>(s[k]));
    }
  }
  auto impact = [&](double score) -> std::uint32_t {
    if (highest <= 0) return 1;
    const double relative = std::max(score / highest, 1 / kImpactRange);
    const double q = 1 + std::round(254 * std::log(relative * kImpactRange) / std::log(kImpactRange));
    return static_cast<std::uint32_t>(std::clamp(q, 1.0, 255.0));
  };

  // Postings, stem by stem: pages, impacts, first places; and positions.
  struct Postings {
    std::string docs, impacts, offsets, places;
    std::uint32_t last = 0;
    bool any = false;
  };
  std::vector<Postings> postings(stem_count);
  // In bands of stems, one a thread: each reads every page, and writes only its own stems' lists.
  const std::size_t bands = static_cast<std::size_t>(std::max(1, jobs));
  parallel_for(bands, jobs, [&](std::size_t band) {
    const auto low = static_cast<std::uint32_t>(stem_count * band / bands);
    const auto high = static_cast<std::uint32_t>(stem_count * (band + 1) / bands);
    for (std::size_t d = 0; d < n; ++d) {
      const auto& x = indexed[d];
      for (std::size_t k = 0; k < x.stems.size(); ++k) {
        const std::uint32_t id = ids_of[d][k];
        if (id < low || id >= high) continue;
        auto& p = postings[id];
        const auto doc = static_cast<std::uint32_t>(d);
        search::append_number(p.docs, p.any ? doc - p.last - 1 : doc);
        p.last = doc;
        p.any = true;
        search::append_number(p.impacts, impact(scores[d][k]) - 1);
        search::append_number(p.offsets, x.first[k]);
        const std::uint32_t from = k ? x.places_end[k - 1] : 0;
        p.places.append(x.places, from, x.places_end[k] - from);
      }
    }
  });
  std::vector<std::vector<float>>().swap(scores);
  std::vector<Indexed>().swap(indexed);
  std::vector<std::vector<std::uint32_t>>().swap(ids_of);

  // The vocabulary: every word, with its stem (by rank).
  std::vector<std::pair<std::string_view, std::uint32_t>> words;
  for (const auto& w : workers)
    w->words.each([&](std::string_view word, std::uint32_t local) {
      if (local != WordTable::kStop) words.emplace_back(word, site_number[w->index][local]);
    });
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::vector<std::vector<std::string_view>> forms(stem_count);
  for (const auto& [word, r] : words) forms[r].push_back(word);
  auto stem_at = [&](std::uint32_t r) { return stem_names[order[r]]; };

  std::string meta;
  // Vocabulary pieces.
  const auto word_starts = cut(words.size(), kWordsPieceBytes, [&](std::size_t i) {
    return words[i].first.size() +
           (words[i].first == stem_at(words[i].second) ? 3 : stem_at(words[i].second).size() + 8);
  });
  std::vector<std::pair<std::string, std::string>> word_pieces;  // first word, name
  for (std::size_t p = 0; p < word_starts.size(); ++p) {
    const std::size_t from = word_starts[p], to = p + 1 < word_starts.size() ? word_starts[p + 1] : words.size();
    std::string body = "{\"words\":[";
    for (std::size_t i = from; i < to; ++i) {
      if (i > from) body += ',';
      const std::string_view stem = stem_at(words[i].second);
      if (words[i].first == stem) {
        append_json_string(body, words[i].first);
      } else {
        body += '[';
        append_json_string(body, words[i].first);
        body += ',';
        append_json_string(body, stem);
        body += ']';
      }
    }
    body += "]}\n";
    const std::string name = std::to_string(p) + "-" + hash_name(body);
    word_pieces.emplace_back(p == 0 ? std::string() : std::string(words[from].first), name);
    emit({"search/words/" + name + ".json", std::move(body)});
  }
  // Stem pieces and their positions.
  const auto stem_starts = cut(stem_count, kStemsPieceBytes, [&](std::size_t r) {
    const auto& p = postings[r];
    return stem_names[order[r]].size() + p.docs.size() + p.impacts.size() + p.offsets.size() + 48;
  });
  std::vector<std::tuple<std::string, std::string, std::string>> stem_pieces;  // first stem, name, places name
  std::vector<RenderedFile> stem_files(stem_starts.size() * 2);
  stem_pieces.resize(stem_starts.size());
  parallel_for(stem_starts.size(), jobs, [&](std::size_t p) {
    const std::size_t from = stem_starts[p], to = p + 1 < stem_starts.size() ? stem_starts[p + 1] : stem_count;
    std::string body = "{\"stems\":{", places = "{\"stems\":{";
    for (std::size_t r = from; r < to; ++r) {
      if (r > from) {
        body += ',';
        places += ',';
      }
      const auto name = stem_names[order[r]];
      json_key(body, name);
      body += "{\"forms\":[";
      for (std::size_t f = 0; f < forms[r].size(); ++f) {
        if (f) body += ',';
        append_json_string(body, forms[r][f]);
      }
      body += "],\"docs\":\"" + postings[r].docs + "\",\"impacts\":\"" + postings[r].impacts + "\",\"offsets\":\"" +
              postings[r].offsets + "\"}";
      json_key(places, name);
      places += '"';
      places += postings[r].places;
      places += '"';
      std::string().swap(postings[r].places);
    }
    body += "}}\n";
    places += "}}\n";
    const std::string name = std::to_string(p) + "-" + hash_name(body);
    const std::string places_name = std::to_string(p) + "-" + hash_name(places);
    stem_pieces[p] = {from == 0 ? std::string() : std::string(stem_names[order[from]]), name, places_name};
    stem_files[2 * p] = {"search/stems/" + name + ".json", std::move(body)};
    stem_files[2 * p + 1] = {"search/places/" + places_name + ".json", std::move(places)};
  });
  for (auto& f : stem_files) emit(std::move(f));
  std::vector<RenderedFile>().swap(stem_files);
  std::vector<Postings>().swap(postings);
  // Pages: what a result shows, and their texts (fetched a passage at a time).
  const std::size_t doc_pieces = (n + kDocsPerPiece - 1) / kDocsPerPiece;
  std::vector<std::pair<std::string, std::string>> doc_names(doc_pieces);
  // A batch of pieces at a time, each page's text let go once in its piece: the texts are held once, not twice.
  constexpr std::size_t kBatch = 64;
  for (std::size_t batch = 0; batch < doc_pieces; batch += kBatch) {
    const std::size_t batch_end = std::min(doc_pieces, batch + kBatch);
    std::vector<RenderedFile> doc_files((batch_end - batch) * 2);
    parallel_for(batch_end - batch, jobs, [&](std::size_t k) {
      const std::size_t p = batch + k;
      std::string info = "{\"docs\":[", texts;
      for (std::size_t d = p * kDocsPerPiece; d < std::min(n, (p + 1) * kDocsPerPiece); ++d) {
        Entry& e = entries[d];
        if (d > p * kDocsPerPiece) info += ',';
        info += "{\"url\":";
        append_json_string(info, e.url);
        info += ",\"title\":";
        append_json_string(info, e.title);
        info += ",\"kind\":" + std::to_string(e.kind) + ",\"date\":";
        append_json_string(info, e.date);
        info += ",\"text\":[" + std::to_string(texts.size()) + "," + std::to_string(e.text.size()) + "],\"sections\":[";
        for (std::size_t s = 0; s < e.sections.size(); ++s) {
          if (s) info += ',';
          info += '[' + std::to_string(e.sections[s].offset) + ',';
          append_json_string(info, e.sections[s].anchor);
          info += ',';
          append_json_string(info, e.sections[s].heading);
          info += ']';
        }
        info += "]}";
        texts += e.text;
        std::string().swap(e.text);
      }
      info += "]}\n";
      doc_names[p] = {std::to_string(p) + "-" + hash_name(info), std::to_string(p) + "-" + hash_name(texts)};
      doc_files[2 * k] = {"search/docs/" + doc_names[p].first + ".json", std::move(info)};
      doc_files[2 * k + 1] = {"search/docs/" + doc_names[p].second + ".txt", std::move(texts)};
    });
    for (auto& f : doc_files) emit(std::move(f));
  }

  // meta.json: everything a query needs first, and the names of the pieces.
  meta = "{\"format\":1,\"fingerprint\":\"" + fingerprint + "\",\"documents\":" + std::to_string(n) +
         ",\"per_piece\":" + std::to_string(kDocsPerPiece) + ",\"per_directory\":" + std::to_string(kDirectory) +
         ",\"impact_range\":" + std::to_string(static_cast<int>(kImpactRange)) + ",\"typos\":[4,9],\"stop\":[";
  for (std::size_t i = 0; i < search::stop_words().size(); ++i) {
    if (i) meta += ',';
    append_json_string(meta, search::stop_words()[i]);
  }
  meta += "],\"kinds\":[";
  for (std::size_t k = 0; k < search::kinds().size(); ++k) {
    if (k) meta += ',';
    meta += "{\"id\":";
    append_json_string(meta, search::kinds()[k].id);
    meta += ",\"label\":";
    append_json_string(meta, search::kinds()[k].label);
    meta += '}';
  }
  meta += "],\"priorities\":" + priorities_json;
  meta += ",\"groups\":[";
  for (std::size_t d = 0; d < n;) {
    std::size_t to = d + 1;
    while (to < n && entries[to].kind == entries[d].kind && entries[to].year == entries[d].year &&
           entries[to].priorities == entries[d].priorities)
      ++to;
    if (d) meta += ',';
    meta += '[' + std::to_string(entries[d].kind) + ',' + std::to_string(entries[d].year) + ",[";
    for (std::size_t i = 0; i < entries[d].priorities.size(); ++i) {
      if (i) meta += ',';
      meta += std::to_string(entries[d].priorities[i]);
    }
    meta += "]," + std::to_string(to - d) + ']';
    d = to;
  }
  meta += ']';
  // The lists of pieces, kDirectory entries to a directory piece: meta.json
  // names the directories (with the first word or stem of each, for words
  // and stems), so that it grows 64 times slower than the index.
  auto directories = [&](const char* what, const std::vector<std::string>& entries_json,
                         const std::vector<std::string>* keys) {
    meta += ",\"";
    meta += what;
    meta += "\":[";
    for (std::size_t from = 0, d = 0; from < entries_json.size(); from += kDirectory, ++d) {
      std::string body = "{\"entries\":[";
      for (std::size_t i = from; i < std::min(entries_json.size(), from + kDirectory); ++i) {
        if (i > from) body += ',';
        body += entries_json[i];
      }
      body += "]}\n";
      const std::string name = std::string(what) + "-" + std::to_string(d) + "-" + hash_name(body);
      if (d) meta += ',';
      if (keys) {
        meta += '[';
        append_json_string(meta, (*keys)[from]);
        meta += ',';
        append_json_string(meta, name);
        meta += ']';
      } else {
        append_json_string(meta, name);
      }
      emit({"search/dirs/" + name + ".json", std::move(body)});
    }
    meta += ']';
  };
  std::vector<std::string> keys, listed;
  auto entry = [](std::initializer_list<std::string_view> parts) {
    std::string e = "[";
    for (const auto part : parts) {
      if (e.size() > 1) e += ',';
      append_json_string(e, part);
    }
    return e + "]";
  };
  for (const auto& [first, name] : word_pieces) {
    keys.push_back(first);
    listed.push_back(entry({first, name}));
  }
  directories("words", listed, &keys);
  keys.clear();
  listed.clear();
  for (const auto& [first, name, places] : stem_pieces) {
    keys.push_back(first);
    listed.push_back(entry({first, name, places}));
  }
  directories("stems", listed, &keys);
  listed.clear();
  for (const auto& [info, texts] : doc_names) listed.push_back(entry({info, texts}));
  directories("docs", listed, nullptr);
  meta += "}\n";
  emit({"search/meta.json", std::move(meta)});
}

std::vector<RenderedFile> render_search_index(const Site& site, int jobs) {
  std::vector<RenderedFile> out;
  render_search_index(site, jobs, [&](RenderedFile&& file) { out.push_back(std::move(file)); });
  return out;
}

}  // namespace portal
