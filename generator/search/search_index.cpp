// The search index's pages, words, scores and postings: render_search_index
// and the first steps of its IndexBuilder (the pieces are written by
// search_index_pieces.cpp).
#include "search_index.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "files.h"
#include "json.h"
#include "output.h"
#include "parallel.h"
#include "search_index_builder.h"
#include "search_text.h"

namespace portal {

namespace search {

namespace {

// What a change to how the index is made must change, so that a build never
// keeps an index made the old way (render_search_index's `previous`).
constexpr const char* kIndexFormat = "portal search index 1";

// BM25F: each field's weight and length normalisation, and k1.
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

}  // namespace

IndexBuilder::IndexBuilder(const Site& site, int jobs, const Emit& emit, const PriorityStories* stories)
    : jobs_(jobs),
      emit_(emit),
      own_stories_(stories ? PriorityStories{} : priority_stories(site)),
      stories_(stories ? *stories : own_stories_) {
  entries_ = entries(site, stories_, jobs_);
  number_priorities();
  sort_entries(entries_);
  n_ = entries_.size();
  describe_priorities();
  take_fingerprint();
}

// The priority filter's values in the order it lists them: by name; each
// page's priorities as those values.
void IndexBuilder::number_priorities() {
  by_name_.resize(stories_.stories.size());
  std::iota(by_name_.begin(), by_name_.end(), 0);
  std::stable_sort(by_name_.begin(), by_name_.end(), [&](std::size_t a, std::size_t b) {
    return stories_.stories[a].latest_name() < stories_.stories[b].latest_name();
  });
  std::vector<std::size_t> value_of(by_name_.size());
  for (std::size_t v = 0; v < by_name_.size(); ++v) value_of[by_name_[v]] = v;
  for (auto& e : entries_) {
    for (auto& p : e.priorities) p = value_of[p];
    std::sort(e.priorities.begin(), e.priorities.end());
  }
}

// The priority filter's values, as meta.json lists them.
void IndexBuilder::describe_priorities() {
  priorities_json_ = "[";
  for (std::size_t v = 0; v < by_name_.size(); ++v) {
    const auto& story = stories_.stories[by_name_[v]];
    if (v) priorities_json_ += ',';
    priorities_json_ += "{\"id\":";
    append_json_string(priorities_json_, story.current_id());
    priorities_json_ += ",\"name\":";
    append_json_string(priorities_json_, story.latest_name());
    priorities_json_ += ",\"ids\":[";
    for (std::size_t i = 0; i < story.ids.size(); ++i) {
      if (i) priorities_json_ += ',';
      append_json_string(priorities_json_, story.ids[i]);
    }
    priorities_json_ += "]}";
  }
  priorities_json_ += ']';
}

// Everything the index is made of, in one number: when the index in
// `previous` was made of the same, it is the index these pages would get.
void IndexBuilder::take_fingerprint() {
  std::string made_of = std::string(kIndexFormat) + '\n' + priorities_json_;
  std::vector<std::uint64_t> texts(n_);
  parallel_for(n_, jobs_, [&](std::size_t d) { texts[d] = content_hash(entries_[d].text); });
  for (std::size_t d = 0; d < n_; ++d) {
    const Entry& e = entries_[d];
    made_of += '\n' + e.url + '\t' + e.title + '\t' + std::to_string(e.kind) + '\t' + std::to_string(e.year) + '\t' +
               e.date + '\t' + std::to_string(e.boost) + '\t' + std::to_string(e.facts_end) + '\t' +
               std::to_string(texts[d]);
    for (const auto p : e.priorities) made_of += ',' + std::to_string(p);
    for (const auto& section : e.sections)
      made_of += '\t' + std::to_string(section.offset) + ' ' + std::to_string(section.size) + ' ' + section.anchor +
                 ' ' + section.heading;
  }
  fingerprint_ = content_hash_hex(made_of);
}

bool IndexBuilder::made_before(const std::filesystem::path& previous) const {
  const auto before = read_file(previous / "search/meta.json");
  return before && before->find("\"fingerprint\":\"" + fingerprint_ + "\"") != std::string::npos;
}

void IndexBuilder::build() {
  indexed_.resize(n_);
  workers_ = index_all(entries_, indexed_, jobs_);
  // The pages' texts are written, and let go, before the postings are made: the two are never held at once.
  write_docs();
  number_stems();
  number_pages_stems();
  score_pages();
  gather_postings();
  gather_vocabulary();
  write_words();
  write_stems();
  write_meta();
}

// Every stem, in alphabetical order: each Worker's numbers mapped to the
// site's, once a stem, not once a page.
void IndexBuilder::number_stems() {
  std::unordered_map<std::string_view, std::uint32_t> stem_id;
  site_number_.resize(workers_.size());
  for (const auto& w : workers_) {
    auto& numbers = site_number_[w->index];
    numbers.reserve(w->stems.size());
    for (const auto stem : w->stems) {
      const auto [it, inserted] = stem_id.emplace(stem, static_cast<std::uint32_t>(stem_names_.size()));
      if (inserted) stem_names_.push_back(stem);
      numbers.push_back(it->second);
    }
  }
  stem_count_ = stem_names_.size();
  std::vector<std::uint32_t> rank(stem_count_);
  order_.resize(stem_count_);
  std::iota(order_.begin(), order_.end(), 0);
  std::sort(order_.begin(), order_.end(),
            [&](std::uint32_t a, std::uint32_t b) { return stem_names_[a] < stem_names_[b]; });
  for (std::uint32_t r = 0; r < stem_count_; ++r) rank[order_[r]] = r;
  for (auto& numbers : site_number_)
    for (auto& id : numbers) id = rank[id];
}

// Each page's stems by their rank, and the pages each stem is found in.
void IndexBuilder::number_pages_stems() {
  ids_of_.resize(n_);
  df_.assign(stem_count_, 0);
  parallel_for(n_, jobs_, [&](std::size_t d) {
    const auto& numbers = site_number_[indexed_[d].worker];
    auto& ids = ids_of_[d];
    ids.reserve(indexed_[d].stems.size());
    for (const auto local : indexed_[d].stems) ids.push_back(numbers[local]);
  });
  for (const auto& ids : ids_of_)
    for (const auto id : ids) ++df_[id];
}

// BM25F scores, each page's weight for each of its stems.
void IndexBuilder::score_pages() {
  std::array<double, kFields> average{};
  for (const auto& x : indexed_)
    for (std::size_t f = 0; f < kFields; ++f) average[f] += x.length[f];
  for (auto& a : average) a = n_ ? std::max(1.0, a / static_cast<double>(n_)) : 1.0;
  scores_.resize(n_);
  for (std::size_t d = 0; d < n_; ++d) {
    const auto& x = indexed_[d];
    std::array<double, kFields> norm{};
    for (std::size_t f = 0; f < kFields; ++f)
      norm[f] = kWeights[f].weight / (1 - kWeights[f].b + kWeights[f].b * x.length[f] / average[f]);
    auto& s = scores_[d];
    s.resize(x.stems.size());
    for (std::size_t k = 0; k < x.stems.size(); ++k) {
      double tf = 0;
      for (std::size_t f = 0; f < kFields; ++f) tf += x.tf[k][f] * norm[f];
      const double dfk = df_[ids_of_[d][k]];
      const double idf = std::log(1 + (static_cast<double>(n_) - dfk + 0.5) / (dfk + 0.5));
      const double share =
          x.length[kTitle] ? std::min(1.0, static_cast<double>(x.tf[k][kTitle]) / x.length[kTitle]) : 0;
      // A page's prior weighs its text, not its title.
      s[k] = static_cast<float>(
          idf * (tf * (kK1 + 1) / (kK1 + tf) * entries_[d].boost + kTitleShare * share + (share > 0 ? kInTitle : 0)));
      highest_ = std::max(highest_, static_cast<double>(s[k]));
    }
  }
}

std::uint32_t IndexBuilder::impact(double score) const {
  if (highest_ <= 0) return 1;
  const double relative = std::max(score / highest_, 1 / kImpactRange);
  const double q = 1 + std::round(254 * std::log(relative * kImpactRange) / std::log(kImpactRange));
  return static_cast<std::uint32_t>(std::clamp(q, 1.0, 255.0));
}

// Postings, stem by stem: pages, impacts, first places; and positions. What
// they are made of is let go once they are.
void IndexBuilder::gather_postings() {
  postings_.resize(stem_count_);
  // In bands of stems, one a thread: each reads every page, and writes only its own stems' lists.
  const std::size_t bands = static_cast<std::size_t>(std::max(1, jobs_));
  parallel_for(bands, jobs_, [&](std::size_t band) {
    const auto low = static_cast<std::uint32_t>(stem_count_ * band / bands);
    const auto high = static_cast<std::uint32_t>(stem_count_ * (band + 1) / bands);
    for (std::size_t d = 0; d < n_; ++d) {
      const auto& x = indexed_[d];
      for (std::size_t k = 0; k < x.stems.size(); ++k) {
        const std::uint32_t id = ids_of_[d][k];
        if (id < low || id >= high) continue;
        auto& p = postings_[id];
        const auto doc = static_cast<std::uint32_t>(d);
        append_number(p.docs, p.any ? doc - p.last - 1 : doc);
        p.last = doc;
        p.any = true;
        append_number(p.impacts, impact(scores_[d][k]) - 1);
        append_number(p.offsets, x.first[k]);
        const std::uint32_t from = k ? x.places_end[k - 1] : 0;
        p.places.append(x.places, from, x.places_end[k] - from);
      }
    }
  });
  std::vector<std::vector<float>>().swap(scores_);
  std::vector<Indexed>().swap(indexed_);
  std::vector<std::vector<std::uint32_t>>().swap(ids_of_);
}

// The vocabulary: every word, with its stem (by rank).
void IndexBuilder::gather_vocabulary() {
  for (const auto& w : workers_)
    w->words.each([&](std::string_view word, std::uint32_t local) {
      if (local != WordTable::kStop) words_.emplace_back(word, site_number_[w->index][local]);
    });
  std::sort(words_.begin(), words_.end());
  words_.erase(std::unique(words_.begin(), words_.end()), words_.end());
  forms_.resize(stem_count_);
  for (const auto& [word, r] : words_) forms_[r].push_back(word);
}

}  // namespace search

void render_search_index(const Site& site, int jobs, const std::function<void(RenderedFile&&)>& emit,
                         const std::filesystem::path& previous, bool* reused, const PriorityStories* stories) {
  if (reused) *reused = false;
  search::IndexBuilder builder(site, jobs, emit, stories);
  if (!previous.empty() && reused && builder.made_before(previous)) {
    *reused = true;
    return;
  }
  builder.build();
}

std::vector<RenderedFile> render_search_index(const Site& site, int jobs) {
  std::vector<RenderedFile> out;
  render_search_index(site, jobs, [&](RenderedFile&& file) { out.push_back(std::move(file)); });
  return out;
}

}  // namespace portal
