// Asking a running build to stop. SIGINT and SIGTERM set a flag that the
// long stages check between files, so a build stops where it stands and
// removes what it has staged; a second signal ends the process at once.
#pragma once

namespace portal {

// Whether a stop was asked for, and by which signal (0: none).
bool stop_requested();
int stop_signal();

// Handles SIGINT and SIGTERM while it lives (the command line holds one for
// a build), then puts back what was there.
class StopOnSignals {
 public:
  StopOnSignals();
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;
  // Ends the process by the signal that stopped it, as the shell expects of
  // a program stopped by one (exit status 128 + the signal's number).
  [[noreturn]] static void die_by_signal(int signal);
};

}  // namespace portal
