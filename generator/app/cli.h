// The command line: build, check, serve and new (README.md). The only place
// that prints or decides exit codes.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace portal {

// Runs `portal` with `args` (without the program name); returns the exit status.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace portal
