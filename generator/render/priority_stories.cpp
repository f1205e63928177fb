#include "priority_stories.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>
#include <string_view>
#include <unordered_map>

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

// The words of `lower`, put in lower case in place, cut at everything but
// ASCII letters and digits (ASCII alone, without the C library's locale: a
// call a character was a tenth of a build).
std::vector<std::string_view> words_in_place(std::string& lower) {
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      c = ' ';
  }
  std::vector<std::string_view> words;
  const std::string_view all(lower);
  for (std::size_t at = all.find_first_not_of(' '); at != std::string_view::npos;) {
    const auto end = std::min(all.find(' ', at), all.size());
    words.push_back(all.substr(at, end - at));
    at = all.find_first_not_of(' ', end);
  }
  return words;
}

// The words of a text, as words_in_place() cuts them, `lower` holding them.
std::vector<std::string_view> words_of(std::string_view text, std::string& lower) {
  lower.assign(text);
  return words_in_place(lower);
}

// Every name each story has had, as words, by its first word: one pass over
// a document's words finds every story it names.
class StoryNames {
 public:
  explicit StoryNames(const std::vector<PriorityStory>& stories) {
    for (std::size_t s = 0; s < stories.size(); ++s)
      for (const auto& v : stories[s].versions) {
        auto& [lower, words] = names_.emplace_back();
        words = words_of(v.name, lower);
        if (!words.empty()) by_first_[words.front()].push_back({s, names_.size() - 1});
      }
  }
  // The stories whose names `text` holds.
  [[nodiscard]] std::set<std::size_t> named_in(std::string text) const {
    std::set<std::size_t> out;
    const auto words = words_in_place(text);
    for (std::size_t i = 0; i < words.size(); ++i) {
      const auto it = by_first_.find(words[i]);
      if (it == by_first_.end()) continue;
      for (const auto& [story, name] : it->second) {
        const auto& phrase = names_[name].second;
        if (i + phrase.size() <= words.size() &&
            std::equal(phrase.begin(), phrase.end(), words.begin() + static_cast<std::ptrdiff_t>(i)))
          out.insert(story);
      }
    }
    return out;
  }

 private:
  std::deque<std::pair<std::string, std::vector<std::string_view>>> names_;  // stable: the views point into it
  std::unordered_map<std::string_view, std::vector<std::pair<std::size_t, std::size_t>>> by_first_;
};

// A document's title, then the words its rendered HTML shows: each
// character of a tag (and of its addresses) a space, in one string made once.
std::string text_of(std::string_view title, std::string_view html) {
  std::string out(title.size() + 1 + html.size(), ' ');
  std::copy(title.begin(), title.end(), out.begin());
  std::size_t at = title.size() + 1;
  bool in_tag = false;
  for (const char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag) out[at] = c;
    if (c == '>') in_tag = false;
    ++at;
  }
  return out;
}

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
    if (site.published(i) && may_mention(d.kind)) named[i] = names.named_in(text_of(d.title.value, site.body(i).html));
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
