// Why a document is not published (withheld_because), asked directly of the
// every-kind fixture's documents and of copies changed one fact at a time.
#include <catch2/catch.hpp>

#include <algorithm>

#include "site.h"
#include "support.h"

using namespace portal::test;
using portal::Drafts;
using portal::withheld_because;

namespace {

const portal::Date kToday{2026, 12, 1, std::nullopt};

portal::Document& document(portal::Site& site, const std::string& path) {
  const auto it = site.by_path.find(path);
  REQUIRE(it != site.by_path.end());
  return site.documents[it->second];
}

portal::AgendaItem& agenda_item(portal::Document& meeting, const std::string& code) {
  auto& items = meeting.as<portal::MeetingData>()->items;
  const auto it =
      std::find_if(items.begin(), items.end(), [&](const auto& item) { return item.code && item.code->value == code; });
  REQUIRE(it != items.end());
  return *it;
}

}  // namespace

TEST_CASE("withheld_because: a published document has no reason", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  for (const char* path : {"content/about.md", "content/bulletins/2024-06.md", "content/agreements/2020-04.md",
                           "content/meetings/2020-03-18/notes.md", "content/meetings/2020-03-18/b1-csa-update.md"}) {
    INFO(path);
    CHECK(withheld_because(site, document(site, path), Drafts::hide).empty());
  }
}

TEST_CASE("withheld_because: restricted, draft and future documents say which they are", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const auto& secret = document(site, "content/secret-page.md");
  CHECK(withheld_because(site, secret, Drafts::hide) == "restricted");
  CHECK(withheld_because(site, secret, Drafts::show) == "restricted");  // a preview never shows it
  const auto& draft = document(site, "content/draft-page.md");
  CHECK(withheld_because(site, draft, Drafts::hide) == "a draft");
  CHECK(withheld_because(site, draft, Drafts::show).empty());
  const auto& future = document(site, "content/bulletins/2999-01.md");
  CHECK(withheld_because(site, future, Drafts::hide) == "dated in the future (10 January 2999)");
  CHECK(withheld_because(site, future, Drafts::show) == "dated in the future (10 January 2999)");
}

TEST_CASE("withheld_because: events and meetings are announced before their day", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  CHECK(withheld_because(site, document(site, "content/events/annual-conference-2999.md"), Drafts::hide).empty());
  CHECK(withheld_because(site, document(site, "content/meetings/2999-01-13/_index.md"), Drafts::hide).empty());
}

TEST_CASE("withheld_because: a date known only to its month is released on the month's last day", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  auto& bulletin = document(site, "content/bulletins/2024-06.md");
  site.today = portal::Date{2024, 6, 13, std::nullopt};
  CHECK(withheld_because(site, bulletin, Drafts::hide) == "dated in the future (14 June 2024)");
  site.today = portal::Date{2024, 6, 14, std::nullopt};
  CHECK(withheld_because(site, bulletin, Drafts::hide).empty());
  bulletin.date = portal::Date{2024, 6, 1, std::nullopt, portal::DatePrecision::month};
  site.today = portal::Date{2024, 6, 29, std::nullopt};
  CHECK(withheld_because(site, bulletin, Drafts::hide) == "dated in the future (June 2024)");
  site.today = portal::Date{2024, 6, 30, std::nullopt};
  CHECK(withheld_because(site, bulletin, Drafts::hide).empty());
}

TEST_CASE("withheld_because: notes and papers follow their meeting", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  auto& meeting = document(site, "content/meetings/2020-03-18/_index.md");
  const auto& notes = document(site, "content/meetings/2020-03-18/notes.md");
  const auto& paper = document(site, "content/meetings/2020-03-18/b1-csa-update.md");
  meeting.restricted = true;
  CHECK(withheld_because(site, notes, Drafts::hide) == "part of a meeting that is restricted");
  CHECK(withheld_because(site, paper, Drafts::hide) == "part of a meeting that is restricted");
  meeting.restricted = false;
  meeting.draft = true;
  CHECK(withheld_because(site, notes, Drafts::hide) == "part of a meeting that is a draft");
  CHECK(withheld_because(site, notes, Drafts::show).empty());
  // Notes in a folder that holds no meeting of its own.
  auto orphan = notes;
  orphan.meeting = "2021-01-01";
  CHECK(withheld_because(site, orphan, Drafts::hide) == "in a meeting folder without _index.md");
}

TEST_CASE("withheld_because: a restricted agenda item's paper is never published", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  auto& paper = document(site, "content/meetings/2020-03-18/e1-dhr-update.md");
  // The item E1 is restricted and names the paper; the paper is filed under E1.
  CHECK(withheld_because(site, paper, Drafts::hide) == "the paper of a restricted agenda item");
  CHECK(withheld_because(site, paper, Drafts::show) == "the paper of a restricted agenda item");
  // Filed under the restricted item without being named by it: still withheld.
  auto& item = agenda_item(document(site, "content/meetings/2020-03-18/_index.md"), "E1");
  REQUIRE(item.restricted);
  item.paper.reset();
  CHECK(withheld_because(site, paper, Drafts::hide) == "the paper of a restricted agenda item");
  // Named by the restricted item while filed under no item: still withheld.
  item.paper = portal::Located<std::string>{"e1-dhr-update.md", {}};
  paper.as<portal::PaperData>()->item.reset();
  CHECK(withheld_because(site, paper, Drafts::hide) == "the paper of a restricted agenda item");
  // Neither: published with its meeting.
  item.paper.reset();
  CHECK(withheld_because(site, paper, Drafts::hide).empty());
}
