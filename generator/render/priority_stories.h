// Every priority and cross-cutting theme over the versions of the Community
// Safety Agreement: ids joined through `formerly`, so that a renamed priority
// tells one story (its page, the search filter that follows renames).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "site.h"

namespace portal {

// Every priority id that names one priority over time (through `formerly`), the
// versions it appears in, and the published documents filed under any of its ids.
struct PriorityStory {
  struct Version {
    const Document* agreement;
    std::string id;
    std::string name;
    std::string lead;
    bool theme = false;
  };
  std::vector<std::string> ids;        // every id, oldest first
  std::vector<Version> versions;       // by effective date
  std::vector<std::size_t> documents;  // published documents, newest first
  // Published papers, notes, reviews, bulletins and events not tagged with it
  // whose title or text names it by any of its names: shown apart, newest first.
  std::vector<std::size_t> mentions;
  [[nodiscard]] const std::string& latest_name() const { return versions.back().name; }
  [[nodiscard]] const std::string& current_id() const { return versions.back().id; }
  [[nodiscard]] bool theme() const { return versions.back().theme; }
};

struct PriorityStories {
  std::vector<PriorityStory> stories;
  std::map<std::string, std::size_t> story_of;  // any priority or theme id → its story
};

// The stories told by the published agreements, in the order their ids first appear.
PriorityStories priority_stories(const Site& site, int jobs = 1);

}  // namespace portal
