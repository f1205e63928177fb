#include "feeds.h"

#include <algorithm>
#include <cstdint>

#include <toml++/toml.h>

#include "json.h"
#include "text.h"
#include "url_scheme.h"

namespace portal {

namespace {

std::string xml_escape(const std::string& s) { return text::html_escape(s); }

std::string absolute(const Site& site, const std::string& url) {
  return site.config.base_url + text::encode_url_path(url.substr(1));
}

std::vector<const Document*> published(const Site& site, Kind kind) {
  std::vector<const Document*> out;
  for (std::size_t i : site.published_of(kind)) out.push_back(&site.document(i));
  return out;
}

std::string atom_time(const Date& d) { return d.iso() + "T00:00:00Z"; }

// A feed entry's or calendar event's summary: where the record gives the
// date less exactly than a feed or calendar needs, it says so first.
std::string summary_with_date_note(const Date& d, const std::string& summary) {
  const std::string note = d.precision_note();
  return note.empty() ? summary : summary.empty() ? note : note + ". " + summary;
}

RenderedFile bulletin_feed(const Site& site) {
  auto bulletins = published(site, Kind::bulletin);
  std::stable_sort(bulletins.begin(), bulletins.end(),
                   [](const Document* a, const Document* b) { return *b->date < *a->date; });
  const std::string self = absolute(site, urls::bulletins_feed);
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" +
      xml_escape(site.config.language) + "\">\n";
  xml += "  <title>" + xml_escape(site.config.partnership) + " e-bulletins</title>\n";
  xml += "  <id>" + xml_escape(self) + "</id>\n";
  xml += "  <link rel=\"self\" href=\"" + xml_escape(self) + "\"/>\n";
  xml +=
      "  <link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(absolute(site, urls::bulletins)) + "\"/>\n";
  xml += "  <author><name>" + xml_escape(site.config.partnership) + "</name></author>\n";
  xml += "  <updated>" +
         (bulletins.empty() ? std::string("1970-01-01T00:00:00Z") : atom_time(*bulletins.front()->date)) +
         "</updated>\n";
  for (const Document* b : bulletins) {
    const std::string link = absolute(site, b->url);
    xml += "  <entry>\n";
    xml += "    <title>" + xml_escape(b->title.value) + "</title>\n";
    xml += "    <id>" + xml_escape(link) + "</id>\n";
    xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(link) + "\"/>\n";
    xml += "    <updated>" + atom_time(*b->date) + "</updated>\n";
    const std::string summary = summary_with_date_note(*b->date, b->summary);
    if (!summary.empty()) xml += "    <summary>" + xml_escape(summary) + "</summary>\n";
    xml += "  </entry>\n";
  }
  xml += "</feed>\n";
  return {"feeds/bulletins.xml", xml};
}

RenderedFile sitemap(const Site& site, const std::vector<std::string>& page_paths) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const auto& path : page_paths) {
    if (path == "404.html") continue;
    std::string url = "/" + path;
    if (url.ends_with("index.html")) url.resize(url.size() - 10);
    xml += "  <url><loc>" + xml_escape(absolute(site, url)) + "</loc></url>\n";
  }
  xml += "</urlset>\n";
  return {"sitemap.xml", xml};
}

// iCalendar TEXT (RFC 5545 §3.3.11): every line break becomes \n, a tab a
// space, and no other control character is written; backslash, semicolon
// and comma are escaped.
std::string ics_text(const std::string& s) {
  std::string plain;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      plain += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      plain += s[i] == '\t' ? ' ' : s[i];
    }
  }
  std::string out;
  for (const char c : text::strip_controls(plain)) {
    if (c == '\\' || c == ';' || c == ',') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string ics_line(const std::string& line) {
  std::string out;
  std::size_t start = 0, limit = 75;
  while (line.size() - start > limit) {
    std::size_t cut = start + limit;
    while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    out += line.substr(start, cut - start) + "\r\n ";
    start = cut;
    limit = 74;
  }
  return out + line.substr(start) + "\r\n";
}

std::string ics_digits(const Date& d) {
  std::string digits = d.iso();
  digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
  return digits;
}

// A day is a DATE, floating as days are; a time is the site's local time,
// named by its time zone, whose rules each calendar carries (VTIMEZONE).
std::string ics_time(const Site& site, const Date& d) {
  if (!d.minutes) return ";VALUE=DATE:" + ics_digits(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d%02d00", *d.minutes / 60, *d.minutes % 60);
  return ";TZID=" + ics_text(site.config.time_zone.name) + ":" + ics_digits(d) + buf;
}

// When the event's entry was last revised: the last commit of its file (UTC),
// or, for a file never committed, the first moment of its day. The same
// content and history give the same calendar.
std::string ics_stamp(const History& history, const Document& e) {
  const auto* commits = history.available ? history.of(e.path) : nullptr;
  if (!commits || commits->empty()) return ics_digits(*e.date) + "T000000Z";
  const std::int64_t t = history.commits[commits->front()].time;
  std::int64_t days = t / 86400, seconds = t % 86400;
  if (seconds < 0) {
    seconds += 86400;
    --days;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d%02d%02dZ", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  return ics_digits(from_day_number(static_cast<int>(days))) + buf;
}

std::string vevent(const Site& site, const History& history, const Document& e) {
  const auto& data = *e.as<EventData>();
  const std::string host = site.config.base_url.substr(site.config.base_url.find("//") + 2);
  std::string out = ics_line("BEGIN:VEVENT");
  out += ics_line("UID:" + ics_text(e.slug + "@" + host.substr(0, host.find('/'))));
  out += ics_line("DTSTAMP:" + ics_stamp(history, e));
  out += ics_line("DTSTART" + ics_time(site, data.start.value));
  // A day's end is the next day (DTEND is exclusive); a time's end is that time.
  if (data.end) {
    const Date& end = data.end->value;
    out += ics_line("DTEND" + ics_time(site, end.minutes ? end : from_day_number(end.day_number() + 1)));
  } else if (!data.start.value.minutes) {
    out += ics_line("DTEND" + ics_time(site, from_day_number(data.start.value.day_number() + 1)));
  }
  out += ics_line("SUMMARY:" + ics_text(e.title.value));
  if (!data.location.empty())
    out += ics_line("LOCATION:" + ics_text(data.location));
  else if (data.online.value_or(false))
    out += ics_line("LOCATION:Online");
  const std::string description = summary_with_date_note(data.start.value, e.summary);
  if (!description.empty()) out += ics_line("DESCRIPTION:" + ics_text(description));
  out += ics_line("URL:" + absolute(site, e.url));
  out += ics_line("END:VEVENT");
  return out;
}

enum class Subscription { none, refreshed };

std::string calendar(const Site& site, const History& history, const std::vector<const Document*>& events,
                     const std::string& name, Subscription subscription) {
  std::string out =
      ics_line("BEGIN:VCALENDAR") + ics_line("VERSION:2.0") +
      ics_line("PRODID:-//" + ics_text(site.config.partnership) + "//" + ics_text(site.config.title) + "//EN") +
      ics_line("CALSCALE:GREGORIAN") + ics_line("X-WR-CALNAME:" + ics_text(name));
  // A calendar people subscribe to says how often to look again.
  if (subscription == Subscription::refreshed)
    out += ics_line("REFRESH-INTERVAL;VALUE=DURATION:PT12H") + ics_line("X-PUBLISHED-TTL:PT12H");
  // The zone's rules, always: they make a calendar with no event a valid one too (RFC 5545 §3.6).
  for (const auto& line : site.config.time_zone.lines) out += ics_line(line);
  for (const Document* e : events) out += vevent(site, history, *e);
  return out + ics_line("END:VCALENDAR");
}

}  // namespace

std::string event_calendar_url(const Document& event) { return event.url + event.slug + ".ics"; }

std::vector<RenderedFile> render_outputs(const Site& site, const History& history,
                                         const std::vector<std::string>& page_paths) {
  std::vector<RenderedFile> out;
  out.push_back(bulletin_feed(site));
  out.push_back(sitemap(site, page_paths));
  out.push_back({"robots.txt", "User-agent: *\nAllow: /\n\nSitemap: " + site.config.base_url + "sitemap.xml\n"});
  auto events = published(site, Kind::event);
  std::vector<const Document*> upcoming;
  for (const Document* e : events) {
    out.push_back({event_calendar_url(*e).substr(1), calendar(site, history, {e}, e->title.value, Subscription::none)});
    if (site.is_upcoming(*e)) upcoming.push_back(e);
  }
  std::stable_sort(upcoming.begin(), upcoming.end(),
                   [](const Document* a, const Document* b) { return *a->date < *b->date; });
  out.push_back({"events/upcoming.ics",
                 calendar(site, history, upcoming, site.config.partnership + " events", Subscription::refreshed)});
  return out;
}

}  // namespace portal
