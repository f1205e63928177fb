#include "date.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace portal {

namespace {
const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kWeekdays[] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}
}  // namespace

const char* month_name(int month) { return month >= 1 && month <= 12 ? kMonths[month - 1] : "?"; }

bool Date::valid() const {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

int Date::day_number() const {
  using namespace std::chrono;
  return static_cast<int>(sys_days{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} /
                                   std::chrono::day{static_cast<unsigned>(day)}}
                              .time_since_epoch()
                              .count());
}

Date from_day_number(int days) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  return Date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
              static_cast<int>(static_cast<unsigned>(ymd.day())), std::nullopt};
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::string Date::iso_datetime() const {
  if (!minutes) return iso();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:00", iso().c_str(), *minutes / 60, *minutes % 60);
  return buf;
}

std::string Date::long_form() const {
  const std::string day_month_year = std::to_string(day) + " " + month_name(month) + " " + std::to_string(year);
  switch (precision) {
    case DatePrecision::month: return std::string(month_name(month)) + " " + std::to_string(year);
    case DatePrecision::on_or_before: return "by " + day_month_year;
    case DatePrecision::day: break;
  }
  return day_month_year;
}

Date Date::last_possible() const {
  if (precision != DatePrecision::month) return *this;
  Date next{month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1, std::nullopt};
  Date last = from_day_number(next.day_number() - 1);
  last.precision = DatePrecision::month;
  return last;
}

std::string Date::html_datetime() const {
  if (precision == DatePrecision::month) return iso().substr(0, 7);
  return iso_datetime();
}

std::string Date::precision_note() const {
  switch (precision) {
    case DatePrecision::month: return "Date: " + long_form() + " (the day is not recorded)";
    case DatePrecision::on_or_before: return "Date: " + long_form() + " (the exact day is not recorded)";
    case DatePrecision::day: break;
  }
  return {};
}

std::string Date::time_of_day() const {
  if (!minutes) return {};
  const int h = *minutes / 60;
  const int m = *minutes % 60;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d.%02d%s", h % 12 == 0 ? 12 : h % 12, m, h < 12 ? "am" : "pm");
  return buf;
}

std::string Date::weekday() const {
  if (!exact()) return {};
  const int n = day_number();
  return kWeekdays[((n % 7) + 7) % 7];
}

std::optional<Date> parse_iso_date(const std::string& s) {
  int y = 0, m = 0, d = 0;
  char extra = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) return std::nullopt;
  Date date{y, m, d, std::nullopt};
  if (!date.valid()) return std::nullopt;
  return date;
}

std::optional<int> parse_time_of_day(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (std::size_t i : {0U, 1U, 3U, 4U})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::optional<Date> parse_approximate_date(const std::string& s) {
  if (s.starts_with("by ")) {
    auto d = parse_iso_date(s.substr(3));
    if (d) d->precision = DatePrecision::on_or_before;
    return d;
  }
  if (s.size() == 7 && s[4] == '-') {
    auto d = parse_iso_date(s + "-01");
    if (d) d->precision = DatePrecision::month;
    return d;
  }
  return std::nullopt;
}

Date today() {
  if (const char* fixed = std::getenv("PORTAL_TODAY")) {
    if (auto d = parse_iso_date(fixed)) return *d;
  }
  using namespace std::chrono;
  return from_day_number(static_cast<int>(floor<days>(system_clock::now()).time_since_epoch().count()));
}

}  // namespace portal
