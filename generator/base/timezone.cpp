#include "timezone.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "date.h"
#include "files.h"

namespace portal {

namespace {

// Reads the POSIX TZ rule at the end of a TZif file (version 2 and later).
std::optional<std::string> footer_of(const std::string& tzif) {
  auto count = [&](std::size_t header, int field) -> std::uint64_t {
    const std::size_t at = header + 20 + static_cast<std::size_t>(field) * 4;
    std::uint64_t n = 0;
    for (int k = 0; k < 4; ++k) n = (n << 8) | static_cast<unsigned char>(tzif[at + static_cast<std::size_t>(k)]);
    return n;
  };
  if (tzif.size() < 44 || tzif.compare(0, 4, "TZif") != 0 || tzif[4] < '2') return std::nullopt;
  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  const auto v1 = 44 + count(0, 3) * 5 + count(0, 4) * 6 + count(0, 5) + count(0, 2) * 8 + count(0, 1) + count(0, 0);
  if (tzif.size() < v1 + 44 || tzif.compare(v1, 4, "TZif") != 0) return std::nullopt;
  const auto v2 =
      v1 + 44 + count(v1, 3) * 9 + count(v1, 4) * 6 + count(v1, 5) + count(v1, 2) * 12 + count(v1, 1) + count(v1, 0);
  if (tzif.size() <= v2 || tzif[v2] != '\n') return std::nullopt;
  const auto end = tzif.find('\n', v2 + 1);
  if (end == std::string::npos) return std::nullopt;
  return tzif.substr(v2 + 1, end - v2 - 1);
}

class RuleReader {
 public:
  explicit RuleReader(const std::string& s) : s_(s) {}
  bool done() const { return at_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[at_]; }
  bool take(char c) {
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  std::optional<std::string> name() {
    if (take('<')) {
      const auto end = s_.find('>', at_);
      if (end == std::string::npos) return std::nullopt;
      std::string n = s_.substr(at_, end - at_);
      at_ = end + 1;
      return n;
    }
    const std::size_t from = at_;
    while (at_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[at_]))) ++at_;
    if (at_ - from < 3) return std::nullopt;
    return s_.substr(from, at_ - from);
  }
  // [+-]hh[:mm[:ss]] in seconds.
  std::optional<long> clock() {
    long sign = 1;
    if (take('-'))
      sign = -1;
    else
      take('+');
    long parts[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
      if (i > 0 && !take(':')) break;
      const std::size_t from = at_;
      while (at_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_]))) ++at_;
      if (at_ == from || at_ - from > 3) return std::nullopt;
      parts[i] = std::stol(s_.substr(from, at_ - from));
    }
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  }
  // Mm.w.d
  bool month_rule(int& month, int& week, int& day) {
    if (!take('M')) return false;
    auto number = [&](int& out) {
      const std::size_t from = at_;
      while (at_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_]))) ++at_;
      if (at_ == from) return false;
      out = std::stoi(s_.substr(from, at_ - from));
      return true;
    };
    return number(month) && take('.') && number(week) && take('.') && number(day) && month >= 1 && month <= 12 &&
           week >= 1 && week <= 5 && day >= 0 && day <= 6;
  }

 private:
  const std::string& s_;
  std::size_t at_ = 0;
};

std::string utc_offset(long seconds) {
  const char sign = seconds < 0 ? '-' : '+';
  const int a = static_cast<int>((seconds < 0 ? -seconds : seconds) % (100 * 3600));
  char buf[32];
  if (a % 60)
    std::snprintf(buf, sizeof buf, "%c%02d%02d%02d", sign, a / 3600, a / 60 % 60, a % 60);
  else
    std::snprintf(buf, sizeof buf, "%c%02d%02d", sign, a / 3600, a / 60 % 60);
  return buf;
}

// The day of the rule (week 5: the last such day) in 1970, with the time.
std::string first_onset(int month, int week, int weekday, long seconds) {
  const Date first{1970, month, 1, std::nullopt};
  const int first_weekday = ((first.day_number() % 7) + 7 + 4) % 7;  // 1 January 1970 was a Thursday; 0 = Sunday
  int day = 1 + (weekday - first_weekday + 7) % 7 + (week - 1) * 7;
  const int length =
      from_day_number(Date{month == 12 ? 1971 : 1970, month == 12 ? 1 : month + 1, 1, std::nullopt}.day_number() - 1)
          .day;
  while (day > length) day -= 7;
  const int s = static_cast<int>(seconds % 86400);
  char buf[48];
  std::snprintf(buf, sizeof buf, "1970%02d%02dT%02d%02d%02d", month % 100, day % 100, s / 3600, s / 60 % 60, s % 60);
  return buf;
}

const char* const kDays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

}  // namespace

Result<std::vector<std::string>> vtimezone_of(const std::string& zone, const std::string& rule) {
  RuleReader r(rule);
  const auto standard_name = r.name();
  const auto standard_west = standard_name ? r.clock() : std::nullopt;
  if (!standard_west) return fail("the time zone's rule \"" + rule + "\" cannot be read");
  const long standard = -*standard_west;  // POSIX counts west of Greenwich as positive
  std::vector<std::string> lines = {"BEGIN:VTIMEZONE", "TZID:" + zone};
  if (r.done()) {
    lines.insert(lines.end(),
                 {"BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:" + utc_offset(standard),
                  "TZOFFSETTO:" + utc_offset(standard), "TZNAME:" + *standard_name, "END:STANDARD", "END:VTIMEZONE"});
    return lines;
  }
  auto daylight_name = r.name();
  long daylight = standard + 3600;  // an hour ahead, unless the rule says
  if (daylight_name && !r.done() && r.peek() != ',') {
    const auto west = r.clock();
    if (west)
      daylight = -*west;
    else
      daylight_name.reset();
  }
  int start_month = 0, start_week = 0, start_day = 0, end_month = 0, end_week = 0, end_day = 0;
  long start_time = 7200, end_time = 7200;
  const bool ok = daylight_name && r.take(',') && r.month_rule(start_month, start_week, start_day) &&
                  (!r.take('/') ||
                   [&] {
                     const auto t = r.clock();
                     if (t) start_time = *t;
                     return t.has_value();
                   }()) &&
                  r.take(',') && r.month_rule(end_month, end_week, end_day) &&
                  (!r.take('/') ||
                   [&] {
                     const auto t = r.clock();
                     if (t) end_time = *t;
                     return t.has_value();
                   }()) &&
                  r.done() && start_time >= 0 && start_time < 86400 && end_time >= 0 && end_time < 86400;
  if (!ok)
    return fail("the time zone's rule \"" + rule +
                "\" is not one calendars can be given (month, week and day rules only)");
  auto byday = [](int week, int day) { return (week == 5 ? std::string("-1") : std::to_string(week)) + kDays[day]; };
  lines.insert(
      lines.end(),
      {"BEGIN:DAYLIGHT", "DTSTART:" + first_onset(start_month, start_week, start_day, start_time),
       "RRULE:FREQ=YEARLY;BYMONTH=" + std::to_string(start_month) + ";BYDAY=" + byday(start_week, start_day),
       "TZOFFSETFROM:" + utc_offset(standard), "TZOFFSETTO:" + utc_offset(daylight), "TZNAME:" + *daylight_name,
       "END:DAYLIGHT", "BEGIN:STANDARD", "DTSTART:" + first_onset(end_month, end_week, end_day, end_time),
       "RRULE:FREQ=YEARLY;BYMONTH=" + std::to_string(end_month) + ";BYDAY=" + byday(end_week, end_day),
       "TZOFFSETFROM:" + utc_offset(daylight), "TZOFFSETTO:" + utc_offset(standard), "TZNAME:" + *standard_name,
       "END:STANDARD", "END:VTIMEZONE"});
  return lines;
}

std::string system_zoneinfo() {
  const char* given = std::getenv("TZDIR");
  return given && *given ? given : "/usr/share/zoneinfo";
}

Result<TimeZone> load_time_zone(const std::string& name, const std::string& zoneinfo) {
  // An IANA name: Area/Location, letters, digits, '_', '-', '+' and '/', never "..".
  const bool plain =
      !name.empty() && name.find("..") == std::string::npos && name.front() != '/' &&
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/") == std::string::npos;
  const auto tzif = plain ? read_file(zoneinfo + "/" + name) : std::nullopt;
  if (!tzif) return fail("`timezone` is \"" + name + "\", which is not a time zone in " + zoneinfo);
  const auto rule = footer_of(*tzif);
  if (!rule) return fail("the time zone file " + zoneinfo + "/" + name + " holds no rule for today's times");
  auto lines = vtimezone_of(name, *rule);
  if (!lines) return lines.failure();
  return TimeZone{name, std::move(*lines)};
}

}  // namespace portal
