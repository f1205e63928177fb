// The site's time zone (site.toml `timezone`), as calendars need it: every
// timed event is written in that zone's local time with its TZID, and each
// calendar carries the zone's rules as a VTIMEZONE (RFC 5545 §3.6.5), made
// from the system's time zone database (tzdata).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "result.h"

namespace portal {

struct TimeZone {
  std::string name;                // "Europe/London"
  std::vector<std::string> lines;  // BEGIN:VTIMEZONE … END:VTIMEZONE, unfolded
};

// The system's time zone database: the folder TZDIR names when it is set, as
// the C library reads it, else /usr/share/zoneinfo.
std::string system_zoneinfo();

// Reads the zone `name` from `zoneinfo` (the tzdata folder) and turns its
// current rule into a VTIMEZONE; fails when the name is no zone there or its
// rule cannot be written for calendars.
Result<TimeZone> load_time_zone(const std::string& name, const std::string& zoneinfo = system_zoneinfo());

// The VTIMEZONE of a POSIX TZ rule ("GMT0BST,M3.5.0/1,M10.5.0"), the form
// tzdata ends each zone's file with; fails when the rule is not one it can write.
Result<std::vector<std::string>> vtimezone_of(const std::string& name, const std::string& rule);

}  // namespace portal
