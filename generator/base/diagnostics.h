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

struct Diagnostic {
  std::string file;  // relative to the source folder, e.g. "content/_index.md"
  Pos pos;
  Severity severity = Severity::error;
  std::string rule;
  std::string message;
  std::string hint;
};

class Diagnostics {
 public:
  void error(std::string file, Pos pos, std::string rule, std::string message, std::string hint = {});
  void warning(std::string file, Pos pos, std::string rule, std::string message, std::string hint = {});
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void append(const Diagnostics& other);

  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  [[nodiscard]] int errors() const;
  [[nodiscard]] int warnings() const;
  [[nodiscard]] bool has_errors() const { return errors() > 0; }

  // Sorted by file, line, column, rule; ties keep their message order.
  void sort();

 private:
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
