// The making of the search index (render_search_index), step by step: the
// pages in the index's order and what the index would be made of (its
// fingerprint), each page's words, the site's stems, the pages' scores and
// each stem's postings (search_index.cpp), then the pieces and meta.json
// that hold them (search_index_pieces.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "output.h"
#include "priority_stories.h"
#include "search_entries.h"
#include "search_page_words.h"
#include "site.h"

namespace portal::search {

// Impacts are stored as 1–255 on a logarithmic scale spanning this ratio.
inline constexpr double kImpactRange = 10000.0;

class IndexBuilder {
 public:
  using Emit = std::function<void(RenderedFile&&)>;
  // The released pages of `site`, in the index's order, and the fingerprint
  // of what their index is made of; the index itself is not made yet.
  // `stories`: the site's priority_stories() when the caller has them, else made here.
  IndexBuilder(const Site& site, int jobs, const Emit& emit, const PriorityStories* stories = nullptr);
  // Whether the index under previous/search/ (an earlier build's) was made
  // of the same pages by the same format: then it is this build's as it is.
  [[nodiscard]] bool made_before(const std::filesystem::path& previous) const;
  // Makes every file of the index, each given to `emit` as soon as it is made.
  void build();

 private:
  // Postings of one stem: pages, impacts, first places; and positions.
  struct Postings {
    std::string docs, impacts, offsets, places;
    std::uint32_t last = 0;
    bool any = false;
  };

  // The steps of the constructor and of build(), in order.
  void number_priorities();
  void describe_priorities();
  void take_fingerprint();
  void number_stems();
  void number_pages_stems();
  void score_pages();
  [[nodiscard]] std::uint32_t impact(double score) const;
  void gather_postings();
  void gather_vocabulary();
  void write_words();
  void write_stems();
  void write_stem_piece(std::size_t p, std::size_t from, std::size_t to, std::vector<RenderedFile>& files);
  void write_docs();
  void write_doc_piece(std::size_t p, RenderedFile& info_file, RenderedFile& texts_file);
  void write_meta();
  void write_meta_groups();
  void write_directories(const char* what, const std::vector<std::string>& entries_json,
                         const std::vector<std::string>* keys);
  void write_piece_lists();

  // The stem numbered `r` in alphabetical order.
  [[nodiscard]] std::string_view stem_at(std::uint32_t r) const { return stem_names_[order_[r]]; }

  int jobs_;
  const Emit& emit_;
  PriorityStories own_stories_;     // when none were given
  const PriorityStories& stories_;  // every priority and theme, following renames
  std::vector<Entry> entries_;
  std::size_t n_ = 0;                 // pages
  std::vector<std::size_t> by_name_;  // the priority filter's values: stories, by name
  std::string priorities_json_;
  std::string fingerprint_;

  std::vector<Indexed> indexed_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::string_view> stem_names_;  // by the site's number of each stem, in the order met
  std::size_t stem_count_ = 0;
  std::vector<std::uint32_t> order_;                     // the site's stem numbers, alphabetically
  std::vector<std::vector<std::uint32_t>> site_number_;  // by Worker: its stem numbers' ranks
  std::vector<std::vector<std::uint32_t>> ids_of_;       // by page: its stems' ranks
  std::vector<std::uint32_t> df_;
  std::vector<std::vector<float>> scores_;
  double highest_ = 0;
  std::vector<Postings> postings_;
  std::vector<std::pair<std::string_view, std::uint32_t>> words_;  // every word, with its stem's rank
  std::vector<std::vector<std::string_view>> forms_;

  std::vector<std::pair<std::string, std::string>> word_pieces_;                // first word, name
  std::vector<std::tuple<std::string, std::string, std::string>> stem_pieces_;  // first stem, name, places name
  std::vector<std::pair<std::string, std::string>> doc_names_;                  // info, texts
  std::string meta_;
};

}  // namespace portal::search
