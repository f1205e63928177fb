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

const portal::Document& document(const portal::Site& site, const std::string& path) {
  const auto it = site.by_path.find(path);
  REQUIRE(it != site.by_path.end());
  return site.document(it->second);
}

// Changes the document at `path` through the site, as the editor and the preview change one.
template <class Edit>
void change(portal::Site& site, const std::string& path, Edit edit) {
  const auto it = site.by_path.find(path);
  REQUIRE(it != site.by_path.end());
  portal::Document d = site.document(it->second);
  edit(d);
  site.replace(it->second, std::move(d), portal::RenderedMarkdown(site.body(it->second)));
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
  const auto& bulletin = document(site, "content/bulletins/2024-06.md");
  site.today = portal::Date{2024, 6, 13, std::nullopt};
  CHECK(withheld_because(site, bulletin, Drafts::hide) == "dated in the future (14 June 2024)");
  site.today = portal::Date{2024, 6, 14, std::nullopt};
  CHECK(withheld_because(site, bulletin, Drafts::hide).empty());
  change(site, bulletin.path, [](auto& d) {
    d.date = portal::Date{2024, 6, 1, std::nullopt, portal::DatePrecision::month};
  });
  site.today = portal::Date{2024, 6, 29, std::nullopt};
  CHECK(withheld_because(site, bulletin, Drafts::hide) == "dated in the future (June 2024)");
  site.today = portal::Date{2024, 6, 30, std::nullopt};
  CHECK(withheld_because(site, bulletin, Drafts::hide).empty());
}

TEST_CASE("withheld_because: notes and papers follow their meeting", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const std::string meeting = "content/meetings/2020-03-18/_index.md";
  const auto& notes = document(site, "content/meetings/2020-03-18/notes.md");
  const auto& paper = document(site, "content/meetings/2020-03-18/b1-csa-update.md");
  change(site, meeting, [](auto& d) { d.restricted = true; });
  CHECK(site.why_withheld(site.by_path.at(meeting)) == "restricted");
  CHECK(withheld_because(site, notes, Drafts::hide) == "part of a meeting that is restricted");
  CHECK(withheld_because(site, paper, Drafts::hide) == "part of a meeting that is restricted");
  change(site, meeting, [](auto& d) {
    d.restricted = false;
    d.draft = true;
  });
  CHECK(withheld_because(site, notes, Drafts::hide) == "part of a meeting that is a draft");
  CHECK(withheld_because(site, notes, Drafts::show).empty());
  // Notes in a folder that holds no meeting of its own.
  auto orphan = notes;
  orphan.meeting = "2021-01-01";
  CHECK(withheld_because(site, orphan, Drafts::hide) == "in a meeting folder without _index.md");
}

TEST_CASE("withheld_because: a restricted agenda item's paper is never published", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const auto& paper = document(site, "content/meetings/2020-03-18/e1-dhr-update.md");
  const std::string meeting = "content/meetings/2020-03-18/_index.md";
  // The item E1 is restricted and names the paper; the paper is filed under E1.
  CHECK(withheld_because(site, paper, Drafts::hide) == "the paper of a restricted agenda item");
  CHECK(withheld_because(site, paper, Drafts::show) == "the paper of a restricted agenda item");
  CHECK(site.why_withheld(site.by_path.at(paper.path)) == "the paper of a restricted agenda item");
  // Filed under the restricted item without being named by it: still withheld.
  change(site, meeting, [](auto& d) {
    auto& item = agenda_item(d, "E1");
    REQUIRE(item.restricted);
    item.paper.reset();
  });
  CHECK(withheld_because(site, paper, Drafts::hide) == "the paper of a restricted agenda item");
  // Named by the restricted item while filed under no item: still withheld.
  change(site, meeting, [](auto& d) {
    agenda_item(d, "E1").paper = portal::Located<std::string>{"e1-dhr-update.md", {}};
  });
  change(site, paper.path, [](auto& d) { d.template as<portal::PaperData>()->item.reset(); });
  CHECK(withheld_because(site, paper, Drafts::hide) == "the paper of a restricted agenda item");
  CHECK(site.why_withheld(site.by_path.at(paper.path)) == "the paper of a restricted agenda item");
  // Neither: published with its meeting.
  change(site, meeting, [](auto& d) { agenda_item(d, "E1").paper.reset(); });
  CHECK(withheld_because(site, paper, Drafts::hide).empty());
}

TEST_CASE("Site::replace decides a document's publication again, and put_back restores all of it", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const std::size_t i = site.by_path.at("content/bulletins/2024-06.md");
  REQUIRE(site.published(i));
  REQUIRE(site.released(i));
  REQUIRE_FALSE(site.body(i).html.empty());
  portal::Document restricted = site.document(i);
  restricted.restricted = true;
  portal::SiteDocument file = site.replace(i, std::move(restricted), portal::RenderedMarkdown(site.body(i)));
  CHECK(site.why_withheld(i) == "restricted");
  CHECK_FALSE(site.published(i));
  CHECK_FALSE(site.released(i));
  // The text of a withheld document is not kept where a renderer could reach it; its links are, for the checks.
  CHECK(site.body(i).html.empty());
  CHECK(site.body(i).links.size() == file.body.links.size());
  const auto bulletins = site.published_of(portal::Kind::bulletin);
  CHECK(std::find(bulletins.begin(), bulletins.end(), i) == bulletins.end());
  site.put_back(i, std::move(file));
  CHECK(site.published(i));
  CHECK(site.released(i));
  CHECK_FALSE(site.document(i).restricted);
  CHECK_FALSE(site.body(i).html.empty());
}

TEST_CASE("Site::replace keeps the agreements in order of their effective dates", "[publication]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const std::size_t older = site.by_path.at("content/agreements/2019-04.md");
  REQUIRE(site.agreement_in_force(kToday, portal::Site::Scope::published) != &site.document(older));
  portal::Document latest = site.document(older);
  latest.as<portal::AgreementData>()->effective.value = kToday;
  auto file = site.replace(older, std::move(latest), portal::RenderedMarkdown(site.body(older)));
  CHECK(site.agreement_in_force(kToday, portal::Site::Scope::published) == &site.document(older));
  site.put_back(older, std::move(file));
  CHECK(site.agreement_in_force(kToday, portal::Site::Scope::published) != &site.document(older));
}
