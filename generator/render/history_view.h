// The template fields that show a document's history and, for an agreement,
// what changed from the version it supersedes.
#pragma once

#include <string>

#include <mstch/mstch.hpp>

#include "compare.h"
#include "git_history.h"
#include "site.h"

namespace portal {

// How much history a document shows: its kind and site.toml decide (docs/content-format.md).
HistoryMode history_mode(const Site& site, const Document& d);

// For each commit of `history`, whether it changed a file that is not
// published (or no longer exists): such commits are listed without their message.
// Worked out once per build: a commit may have changed every file of the site.
std::vector<char> private_commits(const Site& site, const History& history);

// Adds `has_history`, `history_full`, `history` (the commits), `first_published`,
// `last_updated` and `uncommitted` for a published document.
void add_history(mstch::map& ctx, const Site& site, const History& history, const std::vector<char>& private_commit,
                 const Document& d);

// The fields of a comparison page at `url`, from `older` to `newer`.
mstch::map comparison_fields(const Site& site, const AgreementComparison& c, const std::string& url);

// URL of the page comparing an agreement with the version it supersedes.
std::string comparison_url(const Document& newer);
// Its title: "What changed in version 4.0".
std::string comparison_title(const Document& newer);

}  // namespace portal
