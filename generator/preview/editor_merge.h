// A form saved after its file changed somewhere else, merged field by field:
// what the person changed (their value differs from the one the form opened
// with) goes over the file as it is now, what they left alone keeps the file's
// value. A field both changed to different values is a conflict, shown to the
// person with both values, each kept or taken by their choice.
#pragma once

#include <string>
#include <vector>

#include "model.h"
#include "result.h"

namespace httplib {
struct Request;
}  // namespace httplib

namespace portal {

struct FieldConflict {
  std::string key;     // "title", or "body" for the text
  std::string mine;    // as the person typed it
  std::string theirs;  // as the file now has it
};

struct Merge {
  std::string text;                      // the file's text with the person's changes; empty with conflicts
  std::vector<FieldConflict> conflicts;  // fields changed both here and elsewhere, without a choice
};

// Whether the request can be merged: a form that says what each field held when it opened (was.f.KEY, was.body).
bool mergeable(const httplib::Request& req);

// The request's form merged into `disk` (the file now). A choice keep.KEY=mine or keep.KEY=theirs
// settles a conflict on KEY. Fails when the front matter cannot be read.
Result<Merge> merge_form(const httplib::Request& req, Kind kind, const std::string& disk);

}  // namespace portal
