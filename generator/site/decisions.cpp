#include "decisions.h"

#include <algorithm>

namespace portal {

std::vector<Decision> decisions_in(const Site& site, std::size_t notes) {
  std::vector<Decision> out;
  const Document& d = site.document(notes);
  const Document* meeting = site.meeting_of(d);
  const auto* agenda = meeting ? meeting->as<MeetingData>() : nullptr;
  for (const Resolution& r : site.body(notes).resolutions) {
    Decision decision;
    decision.notes = notes;
    decision.meeting = meeting;
    decision.resolution = &r;
    if (const auto heading = minute_heading(r.heading)) {
      decision.minute = heading->number;
      decision.code = heading->code;
    }
    if (agenda && !decision.code.empty())
      for (const auto& item : agenda->items)
        if (item.code && item.code->value == decision.code) decision.item = &item;
    if (decision.item && !decision.item->restricted)
      if (const Document* paper = site.paper_of(*meeting, *decision.item); paper && site.is_published(*paper)) {
        decision.paper = paper;
        decision.priorities = site.tags_of(*paper);
      }
    for (const auto& id : site.tags_of(d))
      if (std::find(decision.priorities.begin(), decision.priorities.end(), id) == decision.priorities.end())
        decision.priorities.push_back(id);
    out.push_back(std::move(decision));
  }
  return out;
}

std::vector<Decision> published_decisions(const Site& site) {
  std::vector<std::size_t> notes = site.published_of(Kind::notes);
  // Meeting folders are dates: the path orders them.
  std::sort(notes.begin(), notes.end(),
            [&](std::size_t a, std::size_t b) { return site.document(a).path > site.document(b).path; });
  std::vector<Decision> out;
  for (const std::size_t i : notes)
    for (auto& decision : decisions_in(site, i)) out.push_back(std::move(decision));
  return out;
}

}  // namespace portal
