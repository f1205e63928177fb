#include "priority_stories.h"

#include <algorithm>
#include <set>

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

}  // namespace

PriorityStories priority_stories(const Site& site) {
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
    for (const auto& p : d.priorities)
      if (const auto it = out.story_of.find(p.value); it != out.story_of.end()) filed.insert(it->second);
    for (std::size_t s : filed) stories[s].documents.push_back(i);
  }
  for (auto& story : stories) {
    std::stable_sort(story.documents.begin(), story.documents.end(),
                     [&](std::size_t a, std::size_t b) { return day_of(site.document(b)) < day_of(site.document(a)); });
  }
  return out;
}

}  // namespace portal
