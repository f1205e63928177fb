#include <catch2/catch.hpp>

#include "date.h"
#include "text.h"
#include "timezone.h"

using namespace portal;

TEST_CASE("heading ids follow GitHub's rule", "[text]") {
  CHECK(text::heading_id("1. Introduction") == "1-introduction");
  CHECK(text::heading_id("Kent Community Safety Agreement Update (Item B1)") ==
        "kent-community-safety-agreement-update-item-b1");
  CHECK(text::heading_id("Leads") == "leads");
  CHECK(text::heading_id("Ch.6 - minor_change!") == "ch6---minor_change");
  CHECK(text::heading_id("Café & Co") == "café--co");
  // Regression: an en dash is punctuation and is dropped like ASCII punctuation.
  CHECK(text::heading_id("2.0 KCSP Funding – Crime Reduction Grant") == "20-kcsp-funding--crime-reduction-grant");
  CHECK(text::heading_id("‘Quoted’ ÉCOLE") == "quoted-école");
}

TEST_CASE("relative URLs work under any sub-path", "[text]") {
  CHECK(text::relative_url("/", "/agreements/2020-04/") == "agreements/2020-04/");
  CHECK(text::relative_url("/meetings/2020-03-18/", "/agreements/2020-04/") == "../../agreements/2020-04/");
  CHECK(text::relative_url("/meetings/2020-03-18/", "/meetings/2020-03-18/b1/") == "b1/");
  CHECK(text::relative_url("/meetings/2020-03-18/b1/", "/meetings/2020-03-18/") == "../");
  CHECK(text::relative_url("/meetings/2020-03-18/b1/", "/meetings/2020-03-18/pack.pdf") == "../pack.pdf");
  CHECK(text::relative_url("/about/", "/") == "../");
  CHECK(text::relative_url("/", "/") == "./");
  CHECK(text::relative_url("/404.html", "/assets/portal.css") == "assets/portal.css");
  // Names with spaces and non-ASCII letters are percent-encoded.
  CHECK(text::relative_url("/", "/a page é/") == "a%20page%20%C3%A9/");
  CHECK(text::encode_url_path("/meetings/2020-03-18/pack (final).pdf") == "/meetings/2020-03-18/pack%20(final).pdf");
}

TEST_CASE("invalid UTF-8 is found at its byte", "[text]") {
  CHECK(text::invalid_utf8_offset("plain ascii") == std::string_view::npos);
  CHECK(text::invalid_utf8_offset("caf\xC3\xA9") == std::string_view::npos);
  CHECK(text::invalid_utf8_offset("ab\xFF") == 2);
  CHECK(text::invalid_utf8_offset("ab\xC3") == 2);         // truncated sequence
  CHECK(text::invalid_utf8_offset("\xC0\xAF") == 0);       // overlong '/'
  CHECK(text::invalid_utf8_offset("x\xED\xA0\x80") == 1);  // surrogate
  // Long runs of ASCII are read eight bytes at a time: a fault after, inside or at the end of one.
  CHECK(text::invalid_utf8_offset("0123456789abcdefg\xFF") == 17);
  CHECK(text::invalid_utf8_offset("0123\xFF"
                                  "56789abcdefg") == 4);
  CHECK(text::invalid_utf8_offset("01234567\xC3\xA9"
                                  "89abcdef\xC3") == 18);
  CHECK(text::invalid_utf8_offset("01234567"
                                  "89abcdef") == std::string_view::npos);
  const auto lc = text::line_col_at("one\ntwo\xC3\xA9x", 9);
  CHECK(lc.line == 2);
  CHECK(lc.column == 5);
}

TEST_CASE("did-you-mean picks the closest candidate within reach", "[text]") {
  CHECK(text::edit_distance("kitten", "sitting") == 3);
  CHECK(text::closest("tilte", {"title", "summary", "source"}) == "title");
  CHECK(text::closest("domestic-abus", {"domestic-abuse", "road-safety"}) == "domestic-abuse");
  CHECK(text::closest("zzzzzz", {"title", "summary"}).empty());
}

TEST_CASE("dates read as the partnership writes them", "[date]") {
  const Date d{2020, 3, 18, 600};
  CHECK(d.long_form() == "18 March 2020");
  CHECK(d.weekday() == "Wednesday");
  CHECK(d.time_of_day() == "10.00am");
  CHECK(d.iso_datetime() == "2020-03-18T10:00:00");
  CHECK(Date{2024, 1, 1, std::nullopt}.long_form() == "1 January 2024");
  CHECK(Date{2024, 7, 4, 14 * 60 + 30}.time_of_day() == "2.30pm");
  CHECK(Date{2017, 11, 27, std::nullopt}.weekday() == "Monday");
  CHECK_FALSE(parse_iso_date("2019-02-29").has_value());
  CHECK(parse_iso_date("2020-02-29").has_value());
  CHECK_FALSE(parse_iso_date("2020-3-18").has_value());
  CHECK(from_day_number(Date{2020, 3, 18, std::nullopt}.day_number()).iso() == "2020-03-18");
}

TEST_CASE("blank text is what trimming empties", "[text]") {
  for (const std::string s : {"", " ", "\t\r\n \n", " x ", "\u00a0", "x"}) {
    INFO("\"" << s << "\"");
    CHECK(text::is_blank(s) == text::trim(s).empty());
  }
  CHECK(text::is_blank(" \t\r\n"));
  CHECK_FALSE(text::is_blank(" . "));
}

TEST_CASE("a repeated heading id takes the next free suffix, as github-slugger gives it", "[text]") {
  // Regression: "Leads", "Leads", "Leads-1" gave two id="leads-1".
  text::Slugger slugger;
  CHECK(slugger.unique("Leads") == "leads");
  CHECK(slugger.unique("Leads") == "leads-1");
  CHECK(slugger.unique("Leads-1") == "leads-1-1");
  CHECK(slugger.unique("Leads") == "leads-2");
  // Ids the page itself uses are taken before the first heading.
  text::Slugger page({"leads", "main-content"});
  CHECK(page.unique("Leads") == "leads-1");
  CHECK(page.unique("Main content") == "main-content-1");
}

TEST_CASE("heading ids lower-case every script and keep letters, marks and digits", "[text]") {
  CHECK(text::heading_id("ΑΒΓ Σοφία ΟΔΟΣ") == "αβγ-σοφία-οδος");
  CHECK(text::heading_id("Ünïcödé Ŀ Ħ") == "ünïcödé-ŀ-ħ");
  CHECK(text::heading_id("Cafe\xCC\x81") == "cafe\xCC\x81");  // a combining accent is kept
  CHECK(text::heading_id("🎉 Party 🎉") == "-party-");
  CHECK(text::heading_id("² ª ‿ x") == "-ª-‿-x");  // ² is dropped, as github-slugger drops it
  CHECK(text::heading_id("İstanbul") == "i\xCC\x87stanbul");
}

TEST_CASE("a time zone's rule becomes the VTIMEZONE calendars carry", "[text]") {
  const auto london = portal::vtimezone_of("Europe/London", "GMT0BST,M3.5.0/1,M10.5.0");
  REQUIRE(london);
  CHECK(*london == std::vector<std::string>{"BEGIN:VTIMEZONE", "TZID:Europe/London", "BEGIN:DAYLIGHT",
                                            "DTSTART:19700329T010000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                                            "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "TZNAME:BST", "END:DAYLIGHT",
                                            "BEGIN:STANDARD", "DTSTART:19701025T020000",
                                            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "TZOFFSETFROM:+0100",
                                            "TZOFFSETTO:+0000", "TZNAME:GMT", "END:STANDARD", "END:VTIMEZONE"});
  const auto new_york = portal::vtimezone_of("America/New_York", "EST5EDT,M3.2.0,M11.1.0");
  REQUIRE(new_york);
  CHECK((*new_york)[3] == "DTSTART:19700308T020000");  // the second Sunday of March 1970
  CHECK((*new_york)[4] == "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU");
  CHECK((*new_york)[5] == "TZOFFSETFROM:-0500");
  const auto lord_howe = portal::vtimezone_of("Australia/Lord_Howe", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  REQUIRE(lord_howe);
  CHECK((*lord_howe)[5] == "TZOFFSETFROM:+1030");
  CHECK((*lord_howe)[6] == "TZOFFSETTO:+1100");
  const auto kolkata = portal::vtimezone_of("Asia/Kolkata", "IST-5:30");
  REQUIRE(kolkata);
  CHECK((*kolkata)[4] == "TZOFFSETFROM:+0530");
  // Rules calendars cannot be given are refused, with the reason.
  const auto santiago = portal::vtimezone_of("America/Santiago", "<-04>4<-03>,M9.1.6/24,M4.1.6/24");
  REQUIRE_FALSE(santiago);
  CHECK(santiago.error().find("month, week and day rules only") != std::string::npos);
  const auto misspelt = portal::load_time_zone("Europe/Lundon");
  REQUIRE_FALSE(misspelt);
  CHECK(misspelt.error() == "`timezone` is \"Europe/Lundon\", which is not a time zone in /usr/share/zoneinfo");
  CHECK_FALSE(portal::load_time_zone("../../etc/passwd"));
  const auto system = portal::load_time_zone("Europe/London");
  REQUIRE(system);
  CHECK(system->lines == *london);
}

TEST_CASE("a relative address resolves to the site path it leads to, the inverse of relative_url", "[text]") {
  CHECK(text::resolve_relative("/meetings/2020-03-18/", "../../agreements/2020-04/#leads") ==
        "/agreements/2020-04/#leads");
  CHECK(text::resolve_relative("/meetings/2020-03-18/b1/", "../") == "/meetings/2020-03-18/");
  CHECK(text::resolve_relative("/", "./") == "/");
  CHECK(text::resolve_relative("/a/b/", "c/./d/../e.pdf?x=1") == "/a/b/c/e.pdf?x=1");
  CHECK(text::resolve_relative("/a/", "../../../x/") == "/x/");
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"/", "/agreements/2020-04/"},
                                                        {"/meetings/2020-03-18/", "/agreements/"},
                                                        {"/a/b/c/", "/a/x.pdf"},
                                                        {"/404.html", "/assets/portal.css"},
                                                        {"/a/", "/a/"}})
    CHECK(text::resolve_relative(from, text::relative_url(from, to)) == to);
}
