#include "search_kinds.h"

namespace portal::search {

const std::vector<KindInfo>& kinds() {
  static const std::vector<KindInfo> list = {
      {"agreement", "Community Safety Agreements"},
      {"changes", "Changes between agreements"},
      {"meeting", "Meeting agendas"},
      {"paper", "Meeting papers"},
      {"notes", "Meeting notes (minutes)"},
      {"decision", "Decisions"},
      {"dhr", "Domestic Homicide Reviews"},
      {"bulletin", "E-bulletins"},
      {"event", "Events"},
      {"priority", "Priorities and themes"},
      {"plan", "Plans"},
      {"page", "Other pages"},
  };
  return list;
}

std::size_t kind_index(Kind k) {
  switch (k) {
    case Kind::agreement: return agreement;
    case Kind::meeting: return meeting;
    case Kind::paper: return paper;
    case Kind::notes: return notes;
    case Kind::dhr: return dhr;
    case Kind::bulletin: return bulletin;
    case Kind::event: return event;
    case Kind::home:
    case Kind::page: return other;
  }
  return other;
}

}  // namespace portal::search
