// What changed from one version of the Community Safety Agreement to the next:
// priorities (following renames), themes, leads, plans, version-control rows,
// and the text, paragraph by paragraph.
#pragma once

#include <string>
#include <vector>

#include "model.h"

namespace portal {

struct NamedChange {
  std::string before;  // empty when added
  std::string after;   // empty when removed
};

struct LeadChange {
  std::string priority;  // the priority's name in the newer version
  std::string before;
  std::string after;
};

// One paragraph of the text: kept, removed or added. Runs of kept paragraphs
// are counted rather than repeated.
struct TextChange {
  enum class Kind { kept, removed, added } kind = Kind::kept;
  std::string markdown;  // the paragraph, for removed and added
  int kept = 0;          // for kept: how many paragraphs in a row
};

struct AgreementComparison {
  std::vector<NamedChange> priorities_added, priorities_removed, priorities_renamed;
  std::vector<NamedChange> themes_added, themes_removed, themes_renamed;
  std::vector<LeadChange> leads;
  std::vector<std::string> plans_added, plans_removed;  // plan ids
  std::vector<Change> version_rows;                     // rows the newer version adds
  // False when either version's full text is not held: leads, plans and text
  // are then not compared (they come from the full text).
  bool text_compared = false;
  std::vector<TextChange> text;
};

AgreementComparison compare_agreements(const Document& older, const Document& newer);

// Paragraph-by-paragraph changes between two Markdown texts (libgit2's diff).
std::vector<TextChange> compare_text(const std::string& older, const std::string& newer);

}  // namespace portal
