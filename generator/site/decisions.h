// The partnership's decisions: every resolution in the notes of its meetings
// ("It was RESOLVED that …", "AGREED"), in the notes' own words, tied to the
// minute that records it and through the minute's heading to the agenda item
// and its paper. Pages, the register, priority pages, search and the checker
// all read them from here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "site.h"

namespace portal {

struct Decision {
  std::size_t notes = 0;              // the notes' index in the site
  const Document* meeting = nullptr;  // the meeting the notes record
  const Resolution* resolution = nullptr;
  std::string minute;                // the minute's number ("239"), or empty
  std::string code;                  // the item code its minute's heading names ("B1"), or empty
  const AgendaItem* item = nullptr;  // that item on the meeting's agenda; null when it is not there
  const Document* paper = nullptr;   // the item's paper, when published and the item is not restricted
  // Priorities the record tags it with: its paper's and its notes' own, never inferred.
  std::vector<std::string> priorities;
};

// The decisions in the notes at `notes` (an index of the site), in the order
// the notes record them.
std::vector<Decision> decisions_in(const Site& site, std::size_t notes);

// Every decision in the published notes of the site, newest meeting first,
// each meeting's in the order its notes record them.
std::vector<Decision> published_decisions(const Site& site);

}  // namespace portal
