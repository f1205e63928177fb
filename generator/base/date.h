// Calendar dates and local date-times as the content uses them.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace portal {

// How exact a date of the record is: the day itself; only its month (the
// day is the 1st, for order and publication); or a day it was on or before
// ("published by 4 July 2024").
enum class DatePrecision { day, month, on_or_before };

struct Date {
  int year = 0;
  int month = 0;  // 1-12
  int day = 0;    // 1-31
  // Present for local date-times (a meeting's start, an event's start and end).
  std::optional<int> minutes;  // minutes since midnight
  DatePrecision precision = DatePrecision::day;

  [[nodiscard]] bool valid() const;
  // Comparison by calendar day only: a time on the same day is "on" that date.
  [[nodiscard]] int day_number() const;  // days since 1970-01-01
  [[nodiscard]] auto operator<=>(const Date& o) const { return day_number() <=> o.day_number(); }
  [[nodiscard]] bool operator==(const Date& o) const { return day_number() == o.day_number(); }

  [[nodiscard]] std::string iso() const;  // "2020-03-18"
  // As people read it: "18 March 2020", "June 2024", "by 4 July 2024".
  [[nodiscard]] std::string long_form() const;
  [[nodiscard]] std::string time_of_day() const;   // "10.00am" or ""
  [[nodiscard]] std::string weekday() const;       // "Wednesday"; "" unless the day itself is known
  [[nodiscard]] std::string iso_datetime() const;  // "2020-03-18T10:00:00" or iso()
  // For an HTML datetime attribute: iso_datetime(), or "2024-06" for a month.
  [[nodiscard]] std::string html_datetime() const;
  [[nodiscard]] bool exact() const { return precision == DatePrecision::day; }
  // The last day the date may be: for a month, its last day; else the date.
  // Whether a document is yet released, or an event still to come, is asked of it,
  // so that a date known only to its month never counts as passed early.
  [[nodiscard]] Date last_possible() const;
  // How the record dates it when it is not exact, for a calendar or feed:
  // "Date: June 2024 (the day is not recorded)"; "" when exact.
  [[nodiscard]] std::string precision_note() const;
};

// "2020-03-18" → Date; nullopt when it is not a real calendar date.
std::optional<Date> parse_iso_date(const std::string& s);
// "HH:MM" (24-hour clock) → minutes since midnight; nullopt otherwise.
std::optional<int> parse_time_of_day(std::string_view s);
// A date the record gives less exactly, written as a string in front matter:
// "2024-06" (a month) or "by 2024-07-04" (on or before); nullopt otherwise.
std::optional<Date> parse_approximate_date(const std::string& s);
Date from_day_number(int days);
// Today in UTC, or PORTAL_TODAY (YYYY-MM-DD) when set, so builds can be reproduced.
Date today();
const char* month_name(int month);

}  // namespace portal
