// The rule families that check_site() runs (docs/checks.md). Each adds diagnostics
// for the whole site and never stops at the first problem.
#pragma once

#include "diagnostics.h"
#include "site.h"

namespace portal {

// unknown-priority, renamed-priority, no-agreement: `priorities` of every
// document against the agreement in force on its date.
void check_document_priorities(const Site& site, Diagnostics& diags);

// unknown-priority: the ids site.toml's [kind_priorities] gives a kind of document.
void check_kind_priorities(const Site& site, Diagnostics& diags);

// lead-priority, missing-lead, unknown-plan, unused-plan.
void check_agreements(const Site& site, Diagnostics& diags);

// missing-paper, unknown-item, minutes-of, orphan-paper.
void check_meetings(const Site& site, Diagnostics& diags);

// broken-link for a link written as an address of this site (a path from its
// root, its public address) or of this computer (localhost, the preview's), not `@/`.
void check_site_address(const Site& site, const std::string& file, const Link& link, Diagnostics& diags);

// dhr-metadata.
void check_dhrs(const Site& site, Diagnostics& diags);

// image-alt, link-text, heading-order, weekday-mismatch, printed-only.
void check_text(const Site& site, Diagnostics& diags);
void check_document_text(const Site& site, std::size_t index, Diagnostics& diags);

// unknown-item for the `(Item X)` references of one notes document's
// minutes, and decision-item for its resolutions.
void check_minutes(const Site& site, std::size_t index, Diagnostics& diags);
// decision-item: a resolution that cannot be tied to an agenda item.
void check_resolutions(const Site& site, std::size_t index, Diagnostics& diags);

}  // namespace portal
