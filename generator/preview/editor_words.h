// How the editor puts things to people: the label and hint of each field of
// the loader, the names of the kinds of document, and a document's state.
#pragma once

#include <optional>
#include <string>

#include "diagnostics.h"
#include "git_history.h"
#include "model.h"
#include "site.h"

namespace portal {

// A field's label: as listed, else made from its key ("in_attendance" → "In attendance").
std::string label_of(const std::string& key);
// A field's hint, empty when it has none.
std::string hint_of(const std::string& key);

// A problem with a field of the form, in a person's words: what is wrong and
// what to do, naming the field as the form labels it; and the checks of the
// text that speak of its Markdown (a picture's description, a link's words,
// headings' levels). Empty for any other diagnostic (a broken link, say, whose
// words name the link as the text has it), which keeps its own.
struct PlainWords {
  std::string message, hint;
};
std::optional<PlainWords> plain_words(const Diagnostic& d);

// The documents of a kind, as a heading names them: "E-bulletins".
const char* plural_kind(Kind k);
// One document of a kind, as a list of them says it: "E-bulletin".
const char* singular_kind(Kind k);

// Draft, Restricted, Scheduled for a date, Not published (and why), Changed
// (published, with changes saved but not published: not committed, as
// `history` of the preview's last build says), or Published.
std::string state_of(const Site& site, const Document& d, const History* history);

// Whether a state is one of those the start page lists as not yet published.
bool not_yet_published(const std::string& state);

}  // namespace portal
