// The Community Safety Agreement over its versions, asked directly: what
// changed from one version to the next (compare_agreements), and each
// priority's story through its renames (priority_stories), on the every-kind
// fixture's two agreements and on copies changed one fact at a time.
#include <catch2/catch.hpp>

#include "compare.h"
#include "priority_stories.h"
#include "support.h"

using namespace portal::test;
using portal::NamedChange;

namespace {

const portal::Date kToday{2026, 12, 1, std::nullopt};

std::size_t index_of(const portal::Site& site, const std::string& path) {
  const auto it = site.by_path.find(path);
  REQUIRE(it != site.by_path.end());
  return it->second;
}

portal::AgreementData& agreement(portal::Document& d) {
  auto* data = d.as<portal::AgreementData>();
  REQUIRE(data);
  return *data;
}

// "before → after" for each change, so that a failing check shows every one.
std::vector<std::string> shown(const std::vector<NamedChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.before + " → " + c.after);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("compare_agreements follows a renamed priority and finds what was added", "[agreements]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const auto& older = site.document(index_of(site, "content/agreements/2019-04.md"));
  const auto& newer = site.document(index_of(site, "content/agreements/2020-04.md"));
  const auto c = portal::compare_agreements(older, newer);
  CHECK(shown(c.priorities_renamed) == Strings{"Serious and Organised Crime → Serious Violence and Organised Crime"});
  CHECK(shown(c.priorities_added) == Strings{" → Domestic Abuse"});
  CHECK(c.priorities_removed.empty());
  CHECK(c.themes_added.empty());
  CHECK(c.themes_removed.empty());
  CHECK(c.themes_renamed.empty());
  // The renamed priority keeps its lead: only the new priority's lead is a change.
  REQUIRE(c.leads.size() == 1);
  CHECK(c.leads[0].priority == "Domestic Abuse");
  CHECK(c.leads[0].before.empty());
  CHECK(c.leads[0].after == "Domestic Abuse Lead, Fixture Council");
  CHECK(c.plans_added == Strings{"drug-strategy"});
  CHECK(c.plans_removed.empty());
  // The version-control table: only the row the newer version adds.
  REQUIRE(c.version_rows.size() == 1);
  CHECK(c.version_rows[0].date == "April 2020");
  CHECK(c.version_rows[0].change == "Ch.6 - minor change to one priority");
  // The text, paragraph by paragraph: the heading kept, the rest replaced.
  CHECK(c.text_compared);
  REQUIRE_FALSE(c.text.empty());
  CHECK(c.text[0].kind == portal::TextChange::Kind::removed);
  CHECK(c.text[0].markdown == "## Introduction");
  const bool added_table = std::any_of(c.text.begin(), c.text.end(), [](const portal::TextChange& t) {
    return t.kind == portal::TextChange::Kind::added &&
           t.markdown == "| Priority | Lead |\n|---|---|\n| Domestic Abuse | Council |";
  });
  CHECK(added_table);
}

TEST_CASE("compare_agreements read backwards: a rename is not followed from the newer id", "[agreements]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const auto& older = site.document(index_of(site, "content/agreements/2020-04.md"));
  const auto& newer = site.document(index_of(site, "content/agreements/2019-04.md"));
  const auto c = portal::compare_agreements(older, newer);
  CHECK(shown(c.priorities_added) == Strings{" → Serious and Organised Crime"});
  CHECK(shown(c.priorities_removed) == Strings{"Serious Violence and Organised Crime → ", "Domestic Abuse → "});
  CHECK(c.priorities_renamed.empty());
  CHECK(c.plans_removed == Strings{"drug-strategy"});
  CHECK(c.version_rows.empty());  // every row of the older table is in the newer
}

TEST_CASE("compare_agreements finds renamed, added and removed themes", "[agreements]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const auto& older = site.document(index_of(site, "content/agreements/2019-04.md"));
  portal::Document newer = site.document(index_of(site, "content/agreements/2020-04.md"));
  auto& themes = agreement(newer).themes;
  REQUIRE(themes.size() == 1);
  themes[0].name = "Early intervention and prevention";
  themes.push_back({{"vulnerability", {}}, "Vulnerability"});
  auto c = portal::compare_agreements(older, newer);
  CHECK(shown(c.themes_renamed) ==
        Strings{"Early intervention, prevention and education → Early intervention and prevention"});
  CHECK(shown(c.themes_added) == Strings{" → Vulnerability"});
  CHECK(c.themes_removed.empty());
  themes.erase(themes.begin());
  c = portal::compare_agreements(older, newer);
  CHECK(shown(c.themes_removed) == Strings{"Early intervention, prevention and education → "});
}

TEST_CASE("compare_agreements compares no leads, plans or text unless both full texts are held", "[agreements]") {
  portal::Site site = load_fixture("every-kind", kToday);
  const auto& older = site.document(index_of(site, "content/agreements/2019-04.md"));
  portal::Document newer = site.document(index_of(site, "content/agreements/2020-04.md"));
  agreement(newer).full_text = false;
  const auto c = portal::compare_agreements(older, newer);
  CHECK_FALSE(c.text_compared);
  CHECK(c.leads.empty());
  CHECK(c.plans_added.empty());
  CHECK(c.text.empty());
  // What the front matter says is still compared.
  CHECK(shown(c.priorities_added) == Strings{" → Domestic Abuse"});
  CHECK(c.version_rows.size() == 1);
}

TEST_CASE("priority_stories joins a renamed priority's ids into one story", "[agreements]") {
  const portal::Site site = load_fixture("every-kind", kToday);
  const auto told = portal::priority_stories(site);
  // In the order their ids first appear: the 2019 priority, its theme, then the 2020 priority added.
  REQUIRE(told.stories.size() == 3);
  CHECK(told.story_of.at("serious-organised-crime") == 0);
  CHECK(told.story_of.at("serious-violence-organised-crime") == 0);
  CHECK(told.story_of.at("early-intervention") == 1);
  CHECK(told.story_of.at("domestic-abuse") == 2);
  const auto& renamed = told.stories[0];
  CHECK(renamed.ids == Strings{"serious-organised-crime", "serious-violence-organised-crime"});
  REQUIRE(renamed.versions.size() == 2);
  CHECK(renamed.versions[0].agreement == &site.document(index_of(site, "content/agreements/2019-04.md")));
  CHECK(renamed.versions[0].name == "Serious and Organised Crime");
  CHECK(renamed.versions[0].lead == "Head of Serious Crime, Fixture Police");
  CHECK(renamed.latest_name() == "Serious Violence and Organised Crime");
  CHECK(renamed.current_id() == "serious-violence-organised-crime");
  CHECK_FALSE(renamed.theme());
  // What is filed under the old id belongs to the story, newest first (a tie in path order).
  CHECK(renamed.documents == std::vector<std::size_t>{index_of(site, "content/meetings/2020-03-18/_index.md"),
                                                      index_of(site, "content/meetings/2020-03-18/b1-csa-update.md")});
  const auto& theme = told.stories[1];
  CHECK(theme.theme());
  CHECK(theme.versions.size() == 2);
  CHECK(theme.documents == std::vector<std::size_t>{index_of(site, "content/meetings/2020-03-18/b1-csa-update.md")});
  CHECK(told.stories[2].versions[0].lead == "Domestic Abuse Lead, Fixture Council");
}

TEST_CASE("priority_stories tells only what published documents tell, newest first", "[agreements]") {
  portal::Site site = load_fixture("every-kind", kToday);
  // The future bulletin, filed under a priority, joins the story only once published.
  const auto future = index_of(site, "content/bulletins/2999-01.md");
  const auto june = index_of(site, "content/bulletins/2024-06.md");
  // Changed through the site, as the editor and the preview change it.
  auto change = [&](std::size_t i, auto&& edit) {
    portal::Document d = site.document(i);
    edit(d);
    site.replace(i, std::move(d), portal::RenderedMarkdown(site.body(i)));
  };
  change(future, [](portal::Document& d) { d.priorities.push_back({"domestic-abuse", {}}); });
  REQUIRE_FALSE(site.published(future));
  CHECK(portal::priority_stories(site).stories.at(2).documents == std::vector<std::size_t>{june});
  change(future, [](portal::Document& d) { d.date = kToday; });
  REQUIRE(site.published(future));
  CHECK(portal::priority_stories(site).stories.at(2).documents == std::vector<std::size_t>{future, june});
  // An agreement withheld tells nothing: the renamed priority has one version, and no new id.
  change(index_of(site, "content/agreements/2020-04.md"), [](portal::Document& d) { d.restricted = true; });
  const auto told = portal::priority_stories(site);
  REQUIRE(told.stories.size() == 2);
  CHECK(told.story_of.count("serious-violence-organised-crime") == 0);
  CHECK(told.story_of.count("domestic-abuse") == 0);
  CHECK(told.stories[0].versions.size() == 1);
  CHECK(told.stories[0].latest_name() == "Serious and Organised Crime");
}
