#include "priority_stories.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string_view>

#include "parallel.h"

namespace portal {

namespace {

// Union-find over priority ids, so that renamed ids tell one story.
class IdGroups {
 public:
  std::string find(const std::string& id) {
    auto it = parent_.find(id);
    if (it == parent_.end()) {
      parent_[id] = id;
      return id;
    }
    if (it->second == id) return id;
    const std::string root = find(it->second);
    parent_[id] = root;
    return root;
  }
  void join(const std::string& a, const std::string& b) {
    const auto ra = find(a), rb = find(b);
    if (ra != rb) parent_[rb] = ra;
  }

 private:
  std::map<std::string, std::string> parent_;
};

int day_of(const Document& d) { return d.date ? d.date->day_number() : 0; }

// Whether `c` is part of a word as names are matched: ASCII letters and
// digits alone, without the C library's locale (a call a character was a
// tenth of a build).
bool name_character(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The words of `text`, lower-cased, cut at everything but name_character().
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if (name_character(c)) {
      word += lower_ascii(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// Whether the word `read` (as the text has it) is `word` (in lower case).
bool same_words(std::string_view read, std::string_view word) {
  if (read.size() != word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (lower_ascii(read[k]) != word[k]) return false;
  return true;
}

// Every name each story has had, as words, by the length of its last word:
// one pass over a document's words finds every story it names, each name
// seen as its last word is read.
class StoryNames {
 public:
  explicit StoryNames(const std::vector<PriorityStory>& stories) {
    for (std::size_t s = 0; s < stories.size(); ++s)
      for (const auto& v : stories[s].versions) {
        auto words = words_of(v.name);
        if (words.empty()) continue;
        longest_ = std::max(longest_, words.size());
        const std::size_t last = words.back().size();
        if (by_last_length_.size() <= last) by_last_length_.resize(last + 1);
        by_last_length_[last].push_back(names_.size());
        names_.push_back({s, std::move(words)});
      }
  }

  // The stories whose names a page shows: its title, then the words of its
  // HTML outside tags (each tag, from < to >, a space). The words are read
  // where they are, never copied.
  [[nodiscard]] std::set<std::size_t> named_in(std::string_view title, std::string_view html) const {
    std::set<std::size_t> out;
    if (names_.empty()) return out;
    Reading reading(*this, out);
    reading.text(title, false);
    reading.text(html, true);
    return out;
  }

 private:
  struct Name {
    std::size_t story;
    std::vector<std::string> words;
  };

  // One page's words as they are read: the last few kept in a ring, each
  // word's names checked against them as it ends.
  class Reading {
   public:
    Reading(const StoryNames& names, std::set<std::size_t>& out) : names_(names), out_(out), recent_(names.longest_) {}

    // The words of `text`; with `tags`, none inside a tag.
    void text(std::string_view text, bool tags) {
      const char* at = text.data();
      const char* const end = at + text.size();
      bool in_tag = false;
      while (at < end) {
        if (in_tag) {
          at = static_cast<const char*>(std::memchr(at, '>', static_cast<std::size_t>(end - at)));
          if (!at) return;
          in_tag = false;
          ++at;
        } else if (tags && *at == '<') {
          in_tag = true;
          ++at;
        } else if (!name_character(*at)) {
          ++at;
        } else {
          const char* const start = at;
          while (at < end && name_character(*at)) ++at;
          word({start, static_cast<std::size_t>(at - start)});
        }
      }
    }

   private:
    void word(std::string_view word) {
      recent_[seen_ % recent_.size()] = word;
      ++seen_;
      if (word.size() >= names_.by_last_length_.size()) return;
      for (const std::size_t n : names_.by_last_length_[word.size()]) {
        const Name& name = names_.names_[n];
        if (name.words.size() <= seen_ && ends_with(name.words)) out_.insert(name.story);
      }
    }

    // Whether the words read last are `phrase`.
    [[nodiscard]] bool ends_with(const std::vector<std::string>& phrase) const {
      const std::size_t first = seen_ - phrase.size();
      for (std::size_t k = phrase.size(); k-- > 0;)
        if (!same_words(recent_[(first + k) % recent_.size()], phrase[k])) return false;
      return true;
    }

    const StoryNames& names_;
    std::set<std::size_t>& out_;
    std::vector<std::string_view> recent_;  // the last words read, round a ring
    std::size_t seen_ = 0;                  // words read
  };

  std::vector<Name> names_;
  std::vector<std::vector<std::size_t>> by_last_length_;  // names_, by the length of their last word
  std::size_t longest_ = 0;                               // words of the longest name
};

bool may_mention(Kind k) {
  return k == Kind::paper || k == Kind::notes || k == Kind::dhr || k == Kind::bulletin || k == Kind::event;
}

}  // namespace

PriorityStories priority_stories(const Site& site, int jobs) {
  PriorityStories out;
  auto& stories = out.stories;
  // Published agreements, oldest first.
  std::vector<std::size_t> agreements;
  for (std::size_t i : site.agreements)
    if (site.published(i)) agreements.push_back(i);
  IdGroups groups;
  for (std::size_t i : agreements) {
    const auto& a = *site.document(i).as<AgreementData>();
    for (const auto& p : a.priorities) {
      groups.find(p.id.value);
      for (const auto& f : p.formerly) groups.join(p.id.value, f.value);
    }
    for (const auto& t : a.themes) groups.find(t.id.value);
  }
  std::map<std::string, std::size_t> story_of_root;
  auto story_for = [&](const std::string& id) -> PriorityStory& {
    const auto root = groups.find(id);
    auto [it, inserted] = story_of_root.emplace(root, stories.size());
    if (inserted) stories.emplace_back();
    PriorityStory& story = stories[it->second];
    if (std::find(story.ids.begin(), story.ids.end(), id) == story.ids.end()) story.ids.push_back(id);
    out.story_of[id] = it->second;
    return story;
  };
  for (std::size_t i : agreements) {
    const Document& doc = site.document(i);
    const auto& a = *doc.as<AgreementData>();
    for (const auto& p : a.priorities) {
      for (const auto& f : p.formerly) story_for(f.value);
      std::string lead;
      for (const auto& l : a.leads)
        if (l.priority.value == p.id.value) lead = l.lead;
      story_for(p.id.value).versions.push_back({&doc, p.id.value, p.name, lead, false});
    }
    for (const auto& t : a.themes) story_for(t.id.value).versions.push_back({&doc, t.id.value, t.name, {}, true});
  }
  for (std::size_t i = 0; i < site.size(); ++i) {
    const Document& d = site.document(i);
    if (!site.published(i)) continue;
    std::set<std::size_t> filed;
    for (const auto& id : site.tags_of(d))
      if (const auto it = out.story_of.find(id); it != out.story_of.end()) filed.insert(it->second);
    for (std::size_t s : filed) stories[s].documents.push_back(i);
  }
  const StoryNames names(stories);
  // Every text read for the names it holds on `jobs` threads; filed in the documents' order.
  std::vector<std::set<std::size_t>> named(site.size());
  parallel_for(site.size(), jobs, [&](std::size_t i) {
    const Document& d = site.document(i);
    if (site.published(i) && may_mention(d.kind)) named[i] = names.named_in(d.title.value, site.body(i).html);
  });
  for (std::size_t i = 0; i < site.size(); ++i) {
    for (const std::size_t s : named[i]) {
      const auto& filed = stories[s].documents;  // in the documents' order until sorted below
      if (!std::binary_search(filed.begin(), filed.end(), i)) stories[s].mentions.push_back(i);
    }
  }
  auto newest_first = [&](std::size_t a, std::size_t b) { return day_of(site.document(b)) < day_of(site.document(a)); };
  for (auto& story : stories) {
    std::stable_sort(story.documents.begin(), story.documents.end(), newest_first);
    std::stable_sort(story.mentions.begin(), story.mentions.end(), newest_first);
  }
  return out;
}

}  // namespace portal
