#include "search_text.h"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <stdexcept>

#include "text.h"

namespace portal::search {

namespace {

bool in(std::uint32_t cp, std::uint32_t lo, std::uint32_t hi) { return cp >= lo && cp <= hi; }

constexpr std::string_view kMore = "!#$%()*+,-./:;=?";
constexpr std::string_view kLast = "0123456789@[]^_{";

}  // namespace

bool is_word_code_point(std::uint32_t cp) {
  if (cp < 0x80) return detail::ascii_word(static_cast<unsigned char>(cp));
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (in(cp, 0x2000, 0x2BFF) || in(cp, 0x2E00, 0x2E7F) || in(cp, 0x3000, 0x303F)) return false;
  if (in(cp, 0xFE10, 0xFE1F) || in(cp, 0xFE30, 0xFE6F) || cp == 0xFEFF || in(cp, 0xFFF0, 0xFFFF)) return false;
  if (in(cp, 0xFF00, 0xFF0F) || in(cp, 0xFF1A, 0xFF20) || in(cp, 0xFF3B, 0xFF40) || in(cp, 0xFF5B, 0xFF65))
    return false;
  if (in(cp, 0x1F000, 0x1FAFF)) return false;
  return true;
}

bool is_ignorable(std::uint32_t cp) { return cp == 0xAD || in(cp, 0x200B, 0x200D) || cp == 0x2060 || cp == 0xFEFF; }

std::uint32_t lower(std::uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  if (in(cp, 0xC0, 0xDE) && cp != 0xD7) return cp + 0x20;
  if (in(cp, 0x100, 0x137) || in(cp, 0x14A, 0x177)) return cp | 1u;
  if (in(cp, 0x139, 0x148) || in(cp, 0x179, 0x17E)) return cp % 2 == 1 ? cp + 1 : cp;
  if (cp == 0x178) return 0xFF;
  if (in(cp, 0x391, 0x3A9) && cp != 0x3A2) return cp + 0x20;
  if (in(cp, 0x410, 0x42F)) return cp + 0x20;
  if (in(cp, 0x400, 0x40F)) return cp + 0x50;
  return cp;
}

const std::vector<std::string_view>& stop_words() {
  // Sorted: is_stop_word() searches it.
  static const std::vector<std::string_view> words = {
      "a",     "an",    "and",   "are",   "as",    "at",   "be",   "been",  "but",    "by",  "could", "do",   "does",
      "for",   "from",  "had",   "has",   "have",  "he",   "her",  "his",   "how",    "i",   "if",    "in",   "into",
      "is",    "it",    "its",   "of",    "on",    "or",   "our",  "she",   "should", "so",  "than",  "that", "the",
      "their", "them",  "then",  "there", "these", "they", "this", "those", "to",     "was", "we",    "were", "what",
      "when",  "where", "which", "who",   "why",   "will", "with", "would", "you",    "your"};
  return words;
}

bool is_stop_word(std::string_view word) {
  if (word.size() > 6) return false;
  const auto& words = stop_words();
  return std::binary_search(words.begin(), words.end(), word);
}

Stemmer::Stemmer() : stemmer_(sb_stemmer_new("english", "UTF_8")) {
  if (!stemmer_) throw std::runtime_error("the Snowball English stemmer could not be made");
}

Stemmer::~Stemmer() { sb_stemmer_delete(stemmer_); }

std::string Stemmer::stem(std::string_view word) {
  const bool letter = std::any_of(word.begin(), word.end(), [](char c) { return c < '0' || c > '9'; });
  if (!letter) return std::string(word);
  const sb_symbol* out =
      sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  const int size = out ? sb_stemmer_length(stemmer_) : 0;
  if (size <= 0) return std::string(word);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
}

void append_number(std::string& out, std::uint32_t value) {
  char digits[8];
  int n = 0;
  do {
    digits[n++] = static_cast<char>(value & 15u);
    value >>= 4;
  } while (value != 0);
  while (n > 1) out += kMore[static_cast<std::size_t>(digits[--n])];
  out += kLast[static_cast<std::size_t>(digits[0])];
}

bool read_numbers(std::string_view text, std::vector<std::uint32_t>& out) {
  std::uint64_t value = 0;
  bool open = false;
  for (const char c : text) {
    if (const auto m = kMore.find(c); m != std::string_view::npos) {
      value = value * 16 + m;
      open = true;
    } else if (const auto l = kLast.find(c); l != std::string_view::npos) {
      value = value * 16 + l;
      if (value > 0xFFFFFFFFu) return false;
      out.push_back(static_cast<std::uint32_t>(value));
      value = 0;
      open = false;
    } else {
      return false;
    }
  }
  return !open;
}

// ---------------------------------------------------------------------------

void TextBuilder::append(std::string_view raw) {
  // The loader refuses control characters; the index does not depend on it.
  std::string stripped;
  std::string_view plain = raw;
  if (text::first_control(raw) != std::string_view::npos) plain = stripped = text::strip_controls(raw);
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (std::size_t i = 0, n = plain.size(); i < n;) {
    if (space(plain[i])) {
      space_pending_ = true;
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    while (end < n && !space(plain[end])) ++end;
    if (space_pending_ && !text_.empty() && text_.back() != '\n') text_ += ' ';
    space_pending_ = false;
    text_.append(plain, i, end - i);  // a run of characters at once
    i = end;
  }
}

void TextBuilder::end_line() {
  space_pending_ = false;
  if (!text_.empty() && text_.back() != '\n') text_ += '\n';
}

void TextBuilder::line(std::string_view plain) {
  end_line();
  append(plain);
  end_line();
}

void TextBuilder::heading(std::string_view plain, std::string anchor) {
  end_line();
  const auto at = static_cast<std::uint32_t>(text_.size());
  append(plain);
  const auto size = static_cast<std::uint32_t>(text_.size()) - at;
  end_line();
  if (size == 0) return;
  sections_.push_back({at, size, std::move(anchor), text_.substr(at, size)});
}

namespace {

// Elements whose end (and start) ends a line of the text.
bool is_block(std::string_view name) {
  // Sorted, for a binary search: a page has a tag every few words.
  static constexpr std::array<std::string_view, 34> blocks = {
      "address", "article",    "aside",  "blockquote", "caption", "dd", "details", "div",     "dl",
      "dt",      "figcaption", "figure", "footer",     "h1",      "h2", "h3",      "h4",      "h5",
      "h6",      "header",     "hr",     "li",         "ol",      "p",  "pre",     "section", "summary",
      "table",   "tbody",      "td",     "th",         "thead",   "tr", "ul"};
  return std::binary_search(blocks.begin(), blocks.end(), name);
}

// The value of attribute `name` in a tag's text (`<h2 id="x" …>`), when quoted.
std::string attribute(std::string_view tag, std::string_view name) {
  std::size_t at = 0;
  while ((at = tag.find(name, at)) != std::string_view::npos) {
    const bool starts = at > 0 && (tag[at - 1] == ' ' || tag[at - 1] == '\t' || tag[at - 1] == '\n');
    const std::size_t eq = at + name.size();
    if (starts && eq + 1 < tag.size() && tag[eq] == '=' && (tag[eq + 1] == '"' || tag[eq + 1] == '\'')) {
      const char quote = tag[eq + 1];
      const auto end = tag.find(quote, eq + 2);
      if (end == std::string_view::npos) return {};
      return std::string(tag.substr(eq + 2, end - eq - 2));
    }
    at = eq;
  }
  return {};
}

// The text of an entity at `s[i] == '&'`; advances `i` past it, or by one
// when it is none this decoder knows (the renderer writes few).
std::string entity(std::string_view s, std::size_t& i) {
  const auto semi = s.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) {
    ++i;
    return "&";
  }
  const std::string_view name = s.substr(i + 1, semi - i - 1);
  std::string out;
  if (name == "amp")
    out = "&";
  else if (name == "lt")
    out = "<";
  else if (name == "gt")
    out = ">";
  else if (name == "quot")
    out = "\"";
  else if (name == "apos")
    out = "'";
  else if (name == "nbsp")
    out = " ";
  else if (name.size() > 1 && name[0] == '#') {
    std::uint32_t cp = 0;
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    bool ok = !digits.empty();
    for (const char c : digits) {
      const int d = c >= '0' && c <= '9'          ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
      if (d < 0 || cp > 0x10FFFF)
        ok = false;
      else
        cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
    }
    // Control characters and what is not a character are dropped.
    if (ok && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) && cp <= 0x10FFFF &&
        !(cp >= 0xD800 && cp < 0xE000) && cp != 0xFFFE && cp != 0xFFFF)
      text::append_utf8(out, cp);
    else if (!ok) {
      ++i;
      return "&";
    }
  } else {
    ++i;
    return "&";
  }
  i = semi + 1;
  return out;
}

}  // namespace

void TextBuilder::html(std::string_view html) {
  std::size_t i = 0;
  const std::size_t n = html.size();
  // The heading being read: its line's start and its id.
  bool in_heading = false;
  std::uint32_t heading_at = 0;
  std::string heading_id;
  while (i < n) {
    const char c = html[i];
    if (c == '&') {
      append(entity(html, i));
      continue;
    }
    if (c != '<') {
      std::size_t next = i + 1;
      while (next < n && html[next] != '<' && html[next] != '&') ++next;
      append(html.substr(i, next - i));
      i = next;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      const auto end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    const auto close = html.find('>', i);
    if (close == std::string_view::npos) break;
    const std::string_view tag = html.substr(i + 1, close - i - 1);
    i = close + 1;
    const bool closing = !tag.empty() && tag[0] == '/';
    std::size_t name_end = closing ? 1 : 0;
    while (name_end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[name_end]))) ++name_end;
    std::string name(tag.substr(closing ? 1 : 0, name_end - (closing ? 1 : 0)));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!closing && (name == "script" || name == "style" || name == "template")) {
      const auto end = html.find("</" + name, i);
      i = end == std::string_view::npos ? n : end;
      continue;
    }
    if (name == "br") {
      space_pending_ = true;
      continue;
    }
    if (!is_block(name)) continue;
    const bool heading = name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
    if (heading && !closing) {
      end_line();
      in_heading = true;
      heading_at = static_cast<std::uint32_t>(text_.size());
      heading_id = attribute(tag, "id");
      continue;
    }
    if (heading && closing && in_heading) {
      in_heading = false;
      const auto size = static_cast<std::uint32_t>(text_.size()) - heading_at;
      end_line();
      if (size != 0) sections_.push_back({heading_at, size, heading_id, text_.substr(heading_at, size)});
      continue;
    }
    end_line();
  }
  end_line();
}

}  // namespace portal::search
