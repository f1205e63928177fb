// `portal new`: writes a new document with every field its kind takes, as a
// draft that passes `portal check`. Never overwrites a file.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "date.h"

#include "result.h"

namespace portal {

class SourceDir;

struct ScaffoldRequest {
  std::string kind;  // bulletin, event, meeting, paper, dhr, page
  std::map<std::string, std::string>
      options;  // --date, --time, --meeting, --name, --item, --title, --pseudonym, --year
  Date today;
  // Started in the editor: the text it starts with speaks of the editor's buttons, not of files and commands.
  bool for_editor = false;
};

// The new file, relative to the source folder; or what went wrong, and how to fix it.
using ScaffoldResult = Result<std::filesystem::path>;

// The options each kind takes, for the command line's usage text and checks.
const std::map<std::string, std::vector<std::string>>& scaffold_options();

// Writes the new document beneath `source`, never following a link in it.
ScaffoldResult scaffold(const std::filesystem::path& source, const ScaffoldRequest& request);
// The same in a source folder already held open (the editor's).
ScaffoldResult scaffold(const SourceDir& source, const ScaffoldRequest& request);

}  // namespace portal
