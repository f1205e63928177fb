// Calendar dates and local date-times as the content uses them.
#pragma once

#include <compare>
#include <optional>
#include <string>

namespace portal {

struct Date {
  int year = 0;
  int month = 0;  // 1-12
  int day = 0;    // 1-31
  // Present for local date-times (a meeting's start, an event's start and end).
  std::optional<int> minutes;  // minutes since midnight

  [[nodiscard]] bool valid() const;
  // Comparison by calendar day only: a time on the same day is "on" that date.
  [[nodiscard]] int day_number() const;  // days since 1970-01-01
  [[nodiscard]] auto operator<=>(const Date& o) const { return day_number() <=> o.day_number(); }
  [[nodiscard]] bool operator==(const Date& o) const { return day_number() == o.day_number(); }

  [[nodiscard]] std::string iso() const;        // "2020-03-18"
  [[nodiscard]] std::string long_form() const;  // "18 March 2020"
  [[nodiscard]] std::string time_of_day() const;  // "10.00am" or ""
  [[nodiscard]] std::string weekday() const;    // "Wednesday"
  [[nodiscard]] std::string iso_datetime() const;  // "2020-03-18T10:00:00" or iso()
};

// "2020-03-18" → Date; nullopt when it is not a real calendar date.
std::optional<Date> parse_iso_date(const std::string& s);
Date from_day_number(int days);
// Today in UTC, or PORTAL_TODAY (YYYY-MM-DD) when set, so builds can be reproduced.
Date today();
const char* month_name(int month);

}  // namespace portal
