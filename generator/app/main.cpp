#include <iostream>

#include "cli.h"
#include "interrupt.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const int status = portal::run_cli(args, std::cout, std::cerr);
  // A build stopped by a signal ends by that signal, as the shell expects.
  if (const int signal = portal::stop_signal(); signal != 0 && status == 128 + signal)
    portal::StopOnSignals::die_by_signal(signal);
  return status;
}
