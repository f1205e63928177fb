// The words of each page of the search index, by stem: read on several
// threads, each thread numbering the stems it meets on its own, so that from
// here on the index works with numbers, not strings.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "search_entries.h"
#include "search_text.h"

namespace portal::search {

// BM25F's fields: where on a page a word is.
enum Field : std::size_t { kTitle, kHeading, kFact, kBody, kFields };

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
  Stemmer stemmer;
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
    if (is_stop_word(word)) {  // remembered as such: looked up once a word, not once a place
      words.add(free_slot, word, hash, WordTable::kStop);
      return WordTable::kStop;
    }
    const auto [at, added] = stem_numbers.emplace(stemmer.stem(word), static_cast<std::uint32_t>(stems.size()));
    if (added) stems.push_back(at->first);
    words.add(free_slot, word, hash, at->second);
    return at->second;
  }
};

// The words of every entry, into `out` (one for each entry, in their order),
// read on `jobs` threads, each with a Worker of its own: the Workers returned
// hold the stems that the Indexed number.
std::vector<std::unique_ptr<Worker>> index_all(const std::vector<Entry>& entries, std::vector<Indexed>& out, int jobs);

}  // namespace portal::search
