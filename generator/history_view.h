// The template fields that show a document's history and, for an agreement,
// what changed from the version it supersedes.
#pragma once

#include <string>

#include <mstch/mstch.hpp>

#include "compare.h"
#include "git_history.h"
#include "site.h"

namespace portal {

// How much history a document shows: its kind and site.toml decide (spec §5).
HistoryMode history_mode(const Site& site, const Document& d);

// Adds `has_history`, `history_full`, `history` (the commits), `first_published`,
// `last_updated` and `uncommitted` for a published document. Commits that also
// changed unpublished files are listed without their message.
void add_history(mstch::map& ctx, const Site& site, const History& history, const Document& d);

// The fields of a comparison page at `url`, from `older` to `newer`.
mstch::map comparison_fields(const Site& site, const AgreementComparison& c, const std::string& url);

// URL of the page comparing an agreement with the version it supersedes.
std::string comparison_url(const Document& newer);

}  // namespace portal
