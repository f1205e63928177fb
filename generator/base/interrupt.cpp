#include "interrupt.h"

#include <atomic>
#include <csignal>
#include <cstdlib>

namespace portal {

namespace {

std::atomic<int> received{0};

extern "C" void on_stop_signal(int signal) {
  // A second signal: the person means it. What is left is cleaned up by the next build.
  if (received.exchange(signal) != 0) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

struct sigaction previous_int, previous_term;

}  // namespace

bool stop_requested() { return received.load() != 0; }
int stop_signal() { return received.load(); }

StopOnSignals::StopOnSignals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a wait for a lock or a worker returns to look at the flag
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
}

void StopOnSignals::die_by_signal(int signal) {
  std::signal(signal, SIG_DFL);
  std::raise(signal);
  std::_Exit(128 + signal);  // should the signal be blocked
}

}  // namespace portal
