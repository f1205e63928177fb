// Diagnostics: what the checker and the loaders report, and how it is printed.
#pragma once

#include <string>
#include <vector>

namespace portal {

enum class Severity { error, warning };

// A position in a source file; 0 means "no position applies".
struct Pos {
  int line = 0;
  int column = 0;
};

// What is wrong with one field of a front matter, for a form to put in its
// own words beside that field (the editor's editor_words.cpp).
enum class FieldProblem {
  none,
  missing,           // a required field is absent
  empty,             // a required field holds nothing but spaces
  wrong_type,        // not the type the field takes
  not_a_date,        // a date field holds text that is no date
  time_not_allowed,  // a date field that takes no time of day has one
  time_zone,         // a time with an offset
  not_one_of,        // not one of the values the field takes
  unprintable,       // holds a control character
  bad_address,       // an address that may not become a link
  bad_entry,         // an entry of a list is not text
  end_unlike_start,  // an event's end has a time of day and its start not, or the other way
  end_before_start,  // an event's end is before its start
  unknown_key,       // no field of that name
  unlikely_date,     // a date more than a year ahead, or before 2000 (a warning)
};

struct Diagnostic {
  std::string file;  // relative to the source folder, e.g. "content/_index.md"
  Pos pos;
  Severity severity = Severity::error;
  std::string rule;
  std::string message;
  std::string hint;
  std::string field;  // the front-matter key it is about, when it is about one
  FieldProblem problem = FieldProblem::none;

  // Says which field the diagnostic is about, and what is wrong with it.
  void about(std::string key, FieldProblem what) {
    field = std::move(key);
    problem = what;
  }
};

class Diagnostics {
 public:
  // Each returns the diagnostic added, to be told which field it is about (Diagnostic::about).
  Diagnostic& error(std::string file, Pos pos, std::string rule, std::string message, std::string hint = {});
  Diagnostic& warning(std::string file, Pos pos, std::string rule, std::string message, std::string hint = {});
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void append(const Diagnostics& other);

  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  [[nodiscard]] int errors() const;
  [[nodiscard]] int warnings() const;
  [[nodiscard]] bool has_errors() const { return errors() > 0; }

  // Sorted by file, line, column, rule; ties keep their message order.
  void sort();

 private:
  Diagnostic& added(Severity severity, std::string file, Pos pos, std::string rule, std::string message,
                    std::string hint);
  std::vector<Diagnostic> items_;
};

// "content/x.md:14:3: error[rule]: message (hint: ...)"
std::string format_text(const Diagnostic& d);
// The whole report, one diagnostic a line, then a count line.
std::string format_text(const Diagnostics& ds);
// The report as one JSON object (docs/checks.md): each diagnostic, and the counts.
std::string format_json(const Diagnostics& ds);
// GitHub Actions workflow commands, one a diagnostic:
// "::error file=content/x.md,line=14,col=3,title=portal broken-link::message (hint: ...)",
// escaped as GitHub reads them, so a pull request shows each on its line.
std::string format_github(const Diagnostics& ds);

}  // namespace portal
