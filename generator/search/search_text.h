// The words of the search index, as the index and the search page both read
// them (docs/search.md): how a text is cut into words, which words are too
// common to index, and each word's stem (Snowball English, libstemmer). The
// search page applies the same cutting rules to what a reader types, and
// takes every stem from the index, never computing one itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text.h"

struct sb_stemmer;

namespace portal::search {

// Words longer than this (in bytes) are no word a reader types: not indexed.
inline constexpr std::size_t kLongestWord = 64;
// Positions skipped between two lines of a text, so that a phrase never
// matches across the end of a paragraph, a heading or a table cell.
inline constexpr std::uint32_t kLineGap = 3;

// A code point that is part of a word: ASCII letters and digits, and every
// code point from U+00C0 up except the punctuation and symbol blocks.
bool is_word_code_point(std::uint32_t cp);
// Code points that neither make nor break a word: the soft hyphen, zero-width
// spaces and joiners, the byte-order mark. They are skipped.
bool is_ignorable(std::uint32_t cp);
// Lower case as the index writes it: ASCII, Latin-1 and Latin Extended-A.
std::uint32_t lower(std::uint32_t cp);

// Calls `word(text, offset, ordinal, joined)` for each word of `text`, lower-cased,
// in order: `offset` is the byte offset of its first character in `text`,
// `ordinal` its position. Positions count every word (stop words included)
// from `first_ordinal`; a line feed adds kLineGap. A hyphen between two
// words that both hold a letter also gives the two joined ("anti-social":
// "anti", "social", "antisocial"), at the position of the first. An
// apostrophe (' ’ ʼ) between two word characters stays in the word, as '.
// `joined` is true for the joined form of two hyphenated words.
// Returns the next free position.
template <class Fn>
std::uint32_t for_each_word(std::string_view text, std::uint32_t first_ordinal, Fn&& word);

// Words too common to index ("the", "of" …): they still take a position.
bool is_stop_word(std::string_view word);
const std::vector<std::string_view>& stop_words();

// Snowball's English stemmer (one per thread: libstemmer's are not shared).
class Stemmer {
 public:
  Stemmer();
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;
  // The stem of a lower-cased word; a word without a letter is its own stem.
  std::string stem(std::string_view word);

 private:
  sb_stemmer* stemmer_;
};

// Numbers written as text in the index's files: base 16, most significant
// digit first, every digit but the last from "!#$%()*+,-./:;=?" and the last
// from "0123456789@[]^_{". No letter ever appears, so no run of digits can
// spell a word, and nothing needs escaping in JSON.
void append_number(std::string& out, std::uint32_t value);
// Reads the numbers back (for tests): false when `text` is not such a run.
bool read_numbers(std::string_view text, std::vector<std::uint32_t>& out);

// A document's text as the index keeps it: lines (paragraphs, list items,
// table cells, headings), the headings with the ids they link to.
struct Section {
  std::uint32_t offset = 0;  // byte offset of the heading's line in the text
  std::uint32_t size = 0;    // bytes of the heading's line
  std::string anchor;        // the id a link to it ends with (may be empty)
  std::string heading;
};

class TextBuilder {
 public:
  // A line of plain text (front matter, a fact the page shows).
  void line(std::string_view plain);
  // A heading line: matches in it weigh as a heading's.
  void heading(std::string_view plain, std::string anchor);
  // HTML as the Markdown renderer writes it: block elements become lines,
  // h1–h6 with an id become headings, entities are decoded, tags dropped.
  void html(std::string_view html);
  // Where the front matter's lines end: the text from here on is the body.
  void end_facts() { facts_end_ = static_cast<std::uint32_t>(text_.size()); }

  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] std::uint32_t facts_end() const { return facts_end_; }
  [[nodiscard]] const std::vector<Section>& sections() const { return sections_; }
  std::string take_text() { return std::move(text_); }

 private:
  void append(std::string_view plain);  // collapses white space
  void end_line();

  std::string text_;
  std::uint32_t facts_end_ = 0;
  std::vector<Section> sections_;
  bool space_pending_ = false;
};

// ---------------------------------------------------------------------------

namespace detail {
inline bool ascii_word(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
}  // namespace detail

template <class Fn>
std::uint32_t for_each_word(std::string_view text, std::uint32_t first_ordinal, Fn&& word) {
  std::uint32_t ordinal = first_ordinal;
  std::string current, previous;  // the word being read; the part before a hyphen
  std::uint32_t previous_ordinal = 0;
  std::size_t previous_start = 0;
  bool current_letter = false, previous_letter = false, after_hyphen = false;
  std::size_t start = 0;
  const std::size_t n = text.size();
  // The code point at `at`, without moving.
  auto peek_word = [&](std::size_t at) {
    if (at >= n) return false;
    std::size_t j = at;
    return is_word_code_point(text::decode_at(text, j));
  };
  auto finish = [&] {
    if (current.empty()) return;
    if (current.size() <= kLongestWord)
      word(std::string_view(current), static_cast<std::uint32_t>(start), ordinal, false);
    if (after_hyphen && previous_letter && current_letter && previous.size() + current.size() <= kLongestWord) {
      const std::string joined = previous + current;
      word(std::string_view(joined), static_cast<std::uint32_t>(previous_start), previous_ordinal, true);
    }
    ++ordinal;
    current.clear();
  };
  std::size_t i = 0;
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80 && detail::ascii_word(b)) {
      if (current.empty()) {
        start = i;
        current_letter = false;
      }
      // The run of ASCII letters and digits, at once.
      std::size_t end = i + 1;
      while (end < n && static_cast<unsigned char>(text[end]) < 0x80 &&
             detail::ascii_word(static_cast<unsigned char>(text[end])))
        ++end;
      const std::size_t had = current.size();
      current.resize(had + (end - i));
      for (std::size_t k = i; k < end; ++k) {
        const auto c = static_cast<unsigned char>(text[k]);
        current_letter = current_letter || c > '9';
        current[had + (k - i)] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      i = end;
      continue;
    }
    const std::size_t at = i;
    const std::uint32_t cp = b < 0x80 ? (++i, b) : text::decode_at(text, i);
    if (b >= 0x80 && is_ignorable(cp)) continue;
    if (b >= 0x80 && is_word_code_point(cp)) {
      if (current.empty()) {
        start = at;
        current_letter = false;
      }
      current_letter = true;
      text::append_utf8(current, lower(cp));
      continue;
    }
    const bool apostrophe = cp == '\'' || cp == 0x2019 || cp == 0x02BC;
    if (apostrophe && !current.empty() && peek_word(i)) {
      current += '\'';
      continue;
    }
    const bool hyphen = cp == '-' || cp == 0x2010 || cp == 0x2011;
    if (hyphen && !current.empty() && peek_word(i)) {
      std::string part = current;
      const bool part_letter = current_letter;
      const std::uint32_t part_ordinal = ordinal;
      const std::size_t part_start = start;
      finish();
      previous = std::move(part);
      previous_letter = part_letter;
      previous_ordinal = part_ordinal;
      previous_start = part_start;
      after_hyphen = true;
      continue;
    }
    finish();
    after_hyphen = false;
    if (cp == '\n') ordinal += kLineGap;
  }
  finish();
  return ordinal;
}

}  // namespace portal::search
