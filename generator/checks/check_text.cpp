#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "check_rules.h"
#include "date.h"
#include "text.h"

namespace portal {

namespace {

const std::array<const char*, 7> kWeekdays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sunday"};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// A date written out in prose after a weekday: "Tuesday 27th November 2017",
// "Wednesday, 18th March, 2020", "Tuesday the 8th of October 2019".
struct ProseDate {
  std::string weekday;
  int day = 0, month = 0, year = 0;
  std::size_t offset = 0;  // of the weekday in the line
  std::string written;     // the words as written
};

class Cursor {
 public:
  Cursor(const std::string& s, std::size_t pos) : s_(s), pos_(pos) {}
  void spaces() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  bool literal(const char* word) {
    const std::size_t n = std::strlen(word);
    if (s_.compare(pos_, n, word) != 0 || (pos_ + n < s_.size() && is_word_char(s_[pos_ + n]))) return false;
    pos_ += n;
    return true;
  }
  void optional(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) ++pos_;
  }
  int number(std::size_t max_digits) {
    std::size_t n = 0;
    int value = 0;
    while (pos_ < s_.size() && n < max_digits && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      value = value * 10 + (s_[pos_++] - '0');
      ++n;
    }
    return n == 0 || (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ? -1 : value;
  }
  int month() {
    for (int m = 1; m <= 12; ++m)
      if (literal(month_name(m))) return m;
    return 0;
  }
  [[nodiscard]] std::size_t pos() const { return pos_; }

 private:
  const std::string& s_;
  std::size_t pos_;
};

std::optional<ProseDate> prose_date_at(const std::string& line, std::size_t at, const char* weekday) {
  Cursor c(line, at + std::strlen(weekday));
  c.optional(',');
  c.spaces();
  if (c.literal("the")) c.spaces();
  ProseDate d;
  d.day = c.number(2);
  if (d.day < 1) return std::nullopt;
  for (const char* suffix : {"st", "nd", "rd", "th"})
    if (c.literal(suffix)) break;
  c.spaces();
  if (c.literal("of")) c.spaces();
  d.month = c.month();
  if (d.month == 0) return std::nullopt;
  c.optional(',');
  c.spaces();
  d.year = c.number(4);
  if (d.year < 1000) return std::nullopt;
  d.weekday = weekday;
  d.offset = at;
  d.written = line.substr(at, c.pos() - at);
  return d;
}

void check_weekdays(const Document& d, Diagnostics& diags) {
  std::size_t start = 0;
  int line_no = d.body_first_line;
  bool in_fence = false;
  while (start <= d.body.size()) {
    const auto end = d.body.find('\n', start);
    const std::string line = d.body.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const std::string trimmed = text::trim(line);
    if (trimmed.starts_with("```") || trimmed.starts_with("~~~")) in_fence = !in_fence;
    for (std::size_t w = 0; !in_fence && w < kWeekdays.size(); ++w) {
      for (auto at = line.find(kWeekdays[w]); at != std::string::npos; at = line.find(kWeekdays[w], at + 1)) {
        if (at > 0 && is_word_char(line[at - 1])) continue;
        const auto found = prose_date_at(line, at, kWeekdays[w]);
        if (!found) continue;
        const Date date{found->year, found->month, found->day, std::nullopt};
        const Pos pos{line_no, text::line_col_at(line, at).column};
        if (!date.valid()) {
          diags.warning(d.path, pos, "weekday-mismatch",
                        "\"" + found->written + "\" is not a date: " + month_name(found->month) + " " +
                            std::to_string(found->year) + " has no day " + std::to_string(found->day),
                        "check the date against the original document");
        } else if (date.weekday() != found->weekday) {
          diags.warning(d.path, pos, "weekday-mismatch",
                        "\"" + found->written + "\": " + date.long_form() + " was a " + date.weekday() + ", not a " +
                            found->weekday,
                        "check the original: either the weekday or the date is wrong");
        }
      }
    }
    if (end == std::string::npos) break;
    start = end + 1;
    ++line_no;
  }
}

bool says_nothing(const std::string& link_text) {
  std::string t = text::to_lower_ascii(text::trim(link_text));
  while (!t.empty() && (t.back() == '.' || t.back() == ':' || t.back() == '!')) t.pop_back();
  for (const char* vague : {"click here", "here", "this link", "read more", "more"})
    if (t == vague) return true;
  return false;
}

}  // namespace

void check_text(const Site& site, Diagnostics& diags) {
  for (std::size_t i = 0; i < site.size(); ++i) check_document_text(site, i, diags);
}

void check_document_text(const Site& site, std::size_t i, Diagnostics& diags) {
  {
    const Document& d = site.document(i);
    const RenderedMarkdown& body = site.body(i);
    for (const auto& link : body.links) {
      if (link.image && link.text.empty()) {
        diags.error(d.path, link.pos, "image-alt", "the image " + link.url + " has no alt text",
                    "describe the image in the brackets: ![what it shows](" + link.url + ")");
      } else if (!link.image && says_nothing(link.text)) {
        diags.warning(d.path, link.pos, "link-text", "the link text \"" + link.text + "\" says nothing out of context",
                      "name where the link goes, e.g. [the April 2020 agreement](...)");
      }
    }
    int previous = 1;  // the page title is the heading of level 1
    for (const auto& h : body.headings) {
      if (h.level == 1) {
        diags.warning(d.path, h.pos, "heading-order",
                      "a level-1 heading in the text: the page's title is already its level-1 heading",
                      "use ## for the text's top-level headings");
      } else if (h.level > previous + 1) {
        diags.warning(d.path, h.pos, "heading-order",
                      "this heading of level " + std::to_string(h.level) + " follows one of level " +
                          std::to_string(previous) + ", skipping a level",
                      "use " + std::string(static_cast<std::size_t>(previous + 1), '#') +
                          " here, so that screen-reader users can follow the outline");
      }
      previous = h.level;
    }
    for (const auto& words : d.printed_only)
      if (std::find(body.printed_missing.begin(), body.printed_missing.end(), words.value) !=
          body.printed_missing.end())
        diags.warning(d.path, words.pos, "printed-only",
                      "the words \"" + words.value + "\" of `printed_only` are nowhere in the text",
                      "copy them as the text has them, in one run (no link or emphasis inside them)");
    check_weekdays(d, diags);
  }
}

}  // namespace portal
