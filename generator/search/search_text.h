// The words of the search index, as the index and the search page both read
// them (docs/search.md): how a text is cut into words, which words are too
// common to index, and each word's stem (Snowball English, libstemmer). The
// search page applies the same cutting rules to what a reader types, and
// takes every stem from the index, never computing one itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
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

// The end of the run of ASCII letters and digits that goes on at `at`.
inline std::size_t ascii_run_end(std::string_view text, std::size_t at) {
  while (at < text.size() && static_cast<unsigned char>(text[at]) < 0x80 &&
         ascii_word(static_cast<unsigned char>(text[at])))
    ++at;
  return at;
}

// Writes `run` (ASCII letters and digits) lower-cased to `out`; whether it
// holds a letter.
inline bool lower_ascii(std::string_view run, char* out) {
  bool letter = false;
  for (std::size_t k = 0; k < run.size(); ++k) {
    const auto c = static_cast<unsigned char>(run[k]);
    letter = letter || c > '9';
    out[k] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return letter;
}

// for_each_word's reading of a text, a character or a run of ASCII word
// characters at a time: the word being read, and the part before a hyphen.
// Every step is inline: the loop runs over every byte of every page indexed.
template <class Fn>
class WordReader {
 public:
  WordReader(std::string_view text, std::uint32_t first_ordinal, Fn& word)
      : text_(text), n_(text.size()), word_(word), ordinal_(first_ordinal) {}

  // Reads the whole text; returns the next free position.
  std::uint32_t run() {
    while (i_ < n_) {
      const auto b = static_cast<unsigned char>(text_[i_]);
      if (b < 0x80 && ascii_word(b)) {
        read_ascii_run();
        continue;
      }
      const std::size_t at = i_;
      const std::uint32_t cp = b < 0x80 ? (++i_, b) : text::decode_at(text_, i_);
      if (b >= 0x80 && is_ignorable(cp)) continue;
      if (b >= 0x80 && is_word_code_point(cp)) {
        read_code_point(at, cp);
        continue;
      }
      read_separator(cp);
    }
    finish();
    return ordinal_;
  }

 private:
  // A word begins at byte `at`, unless one is being read already.
  void start_word(std::size_t at) {
    if (!current_.empty()) return;
    start_ = at;
    current_letter_ = false;
  }

  // The run of ASCII letters and digits from i_, at once.
  void read_ascii_run() {
    start_word(i_);
    const std::size_t from = i_, end = ascii_run_end(text_, from + 1);
    const std::size_t had = current_.size();
    current_.resize(had + (end - from));
    if (lower_ascii(text_.substr(from, end - from), current_.data() + had)) current_letter_ = true;
    i_ = end;
  }

  // A word character beyond ASCII, at byte `at`.
  void read_code_point(std::size_t at, std::uint32_t cp) {
    start_word(at);
    current_letter_ = true;
    text::append_utf8(current_, lower(cp));
  }

  // A character that is no word character: an apostrophe or a hyphen inside
  // a word, or the end of the word.
  void read_separator(std::uint32_t cp) {
    const bool apostrophe = cp == '\'' || cp == 0x2019 || cp == 0x02BC;
    if (apostrophe && !current_.empty() && peek_word(i_)) {
      current_ += '\'';
      return;
    }
    const bool hyphen = cp == '-' || cp == 0x2010 || cp == 0x2011;
    if (hyphen && !current_.empty() && peek_word(i_)) {
      split_at_hyphen();
      return;
    }
    finish();
    after_hyphen_ = false;
    if (cp == '\n') ordinal_ += kLineGap;
  }

  // Whether the code point at `at` is a word character, without moving.
  [[nodiscard]] bool peek_word(std::size_t at) const {
    if (at >= n_) return false;
    std::size_t j = at;
    return is_word_code_point(text::decode_at(text_, j));
  }

  // The word before a hyphen ends, and is kept to be joined with the next.
  void split_at_hyphen() {
    std::string part = current_;
    const bool part_letter = current_letter_;
    const std::uint32_t part_ordinal = ordinal_;
    const std::size_t part_start = start_;
    finish();
    previous_ = std::move(part);
    previous_letter_ = part_letter;
    previous_ordinal_ = part_ordinal;
    previous_start_ = part_start;
    after_hyphen_ = true;
  }

  // The word read, given to word_ (and its joining with the part before a hyphen).
  void finish() {
    if (current_.empty()) return;
    if (current_.size() <= kLongestWord)
      word_(std::string_view(current_), static_cast<std::uint32_t>(start_), ordinal_, false);
    if (after_hyphen_ && previous_letter_ && current_letter_ && previous_.size() + current_.size() <= kLongestWord) {
      const std::string joined = previous_ + current_;
      word_(std::string_view(joined), static_cast<std::uint32_t>(previous_start_), previous_ordinal_, true);
    }
    ++ordinal_;
    current_.clear();
  }

  std::string_view text_;
  std::size_t n_;
  Fn& word_;
  std::uint32_t ordinal_;
  std::size_t i_ = 0;
  std::string current_, previous_;  // the word being read; the part before a hyphen
  std::uint32_t previous_ordinal_ = 0;
  std::size_t previous_start_ = 0;
  bool current_letter_ = false, previous_letter_ = false, after_hyphen_ = false;
  std::size_t start_ = 0;
};
}  // namespace detail

template <class Fn>
std::uint32_t for_each_word(std::string_view text, std::uint32_t first_ordinal, Fn&& word) {
  return detail::WordReader<std::remove_reference_t<Fn>>(text, first_ordinal, word).run();
}

}  // namespace portal::search
