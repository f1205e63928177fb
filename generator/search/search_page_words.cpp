// Each page's words, read on several threads: the stems of its title, its
// facts, its headings and its body, with their counts and places.
#include "search_page_words.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace portal::search {

namespace {

// Each stem's positions, into out.places: the page's hits grouped by stem,
// in order (a counting sort).
void write_places(Worker& w, Indexed& out) {
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
    append_number(out.places, static_cast<std::uint32_t>(end - begin));
    std::uint32_t previous = 0;
    for (auto p = begin; p != end; ++p) {
      append_number(out.places, *p - previous);
      previous = *p;
    }
    out.places_end.push_back(static_cast<std::uint32_t>(out.places.size()));
  }
}

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
      for_each_word(e.title, 0, [&](std::string_view word, std::uint32_t, std::uint32_t ordinal, bool joined) {
        add(word, 0, ordinal, joined, kTitle);
      });
  std::size_t section = 0;
  for_each_word(e.text, next + kLineGap,
                [&](std::string_view word, std::uint32_t offset, std::uint32_t ordinal, bool joined) {
                  while (section < e.sections.size() && e.sections[section].offset + e.sections[section].size <= offset)
                    ++section;
                  Field field = offset < e.facts_end ? kFact : kBody;
                  if (section < e.sections.size() && offset >= e.sections[section].offset) field = kHeading;
                  add(word, offset, ordinal, joined, field);
                });
  write_places(w, out);
}

}  // namespace

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

}  // namespace portal::search
