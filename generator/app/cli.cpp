#include "cli.h"

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>

#include "build.h"
#include "config.h"
#include "interrupt.h"
#include "parallel.h"
#include "scaffold.h"
#include "serve.h"
#include "team_state.h"
#include "text.h"
#include "version.h"

#ifndef PORTAL_VERSION
#define PORTAL_VERSION "0.0.0"
#endif

namespace portal {

namespace {

constexpr int kOk = 0;
constexpr int kContentErrors = 1;
constexpr int kUsage = 2;

const char* const kUsageText =
    "Usage:\n"
    "  portal build  [--source DIR] [--output DIR] [--base-url URL] [--drafts] [--local] [--full]\n"
    "                [--jobs N] [--quiet]\n"
    "  portal check  [--source DIR] [--base-url URL] [--format text|json|github] [--drafts]\n"
    "  portal serve  [--source DIR] [--host 127.0.0.1] [--port 1313]\n"
    "  portal serve  --team [FILE]   (the team editor on a server: docs/team-editor.md)\n"
    "  portal new    bulletin [--date YYYY-MM-DD] [--name NAME]\n"
    "                meeting --date YYYY-MM-DD [--time HH:MM]\n"
    "                paper --meeting YYYY-MM-DD --name FILE-NAME [--item CODE] [--title TEXT]\n"
    "                dhr --pseudonym NAME --year YYYY [--date YYYY-MM-DD]\n"
    "                event --title TEXT [--date YYYY-MM-DD] [--time HH:MM] [--name FILE-NAME]\n"
    "                page --name ADDRESS [--title TEXT]\n"
    "                (each also takes [--source DIR])\n"
    "  portal --help | --version\n"
    "\n"
    "  build   check the content, then write the site to the output folder\n"
    "          (output_dir in site.toml, else public/); nothing is written when\n"
    "          the content has errors\n"
    "  check   report every problem in the content, writing nothing\n"
    "  serve   preview the site, drafts included, at http://127.0.0.1:1313/;\n"
    "          pages rebuild and reload by themselves when a file is saved; on\n"
    "          a loopback address, an editor at /__portal/edit/\n"
    "          --team: the editor for a team, behind the organisation's sign-in, with the\n"
    "          server's configuration (default /etc/portal/team.toml)\n"
    "  new     start a new document as a draft, without overwriting anything\n"
    "\n"
    "  --source DIR   the folder holding site.toml and content/ (default: .)\n"
    "  --output DIR   where to write the site\n"
    "  --base-url URL the site's public address, instead of base_url in site.toml\n"
    "                 (also from the environment variable PORTAL_BASE_URL)\n"
    "  --drafts       include drafts, for a local preview only\n"
    "  --local        a look on this computer: show changes saved but not yet published\n"
    "                 (without it, a build refuses while published files have such changes)\n"
    "  --full         build everything again, whatever the last build into the output recorded\n"
    "                 (without it, a build from unchanged files does nothing: docs/incremental.md)\n"
    "  --jobs N       threads (and, for a large site, processes) to use (default: every core)\n"
    "  --quiet        print nothing but problems\n"
    "  --format F     text (default), json, or github (GitHub Actions annotations)\n"
    "\n"
    "Exit status: 0 success, 1 the content has errors, 2 usage, configuration or I/O error.\n";

struct Options {
  std::string command;
  BuildOptions build;
  bool quiet = false;
  enum class Format { text, json, github } format = Format::text;
  std::string host = "127.0.0.1";
  int port = 1313;
  std::optional<std::string> team;  // serve --team: the configuration file
  std::string new_kind;
  std::map<std::string, std::string> new_options;
};

struct UsageError {
  std::string message;
};

// The public address a build or check is for: --base-url, else PORTAL_BASE_URL
// when set and not empty (a CI variable left unset), else site.toml's.
std::optional<UsageError> base_url_problem(Options& o) {
  if (o.command != "build" && o.command != "check") return std::nullopt;
  const bool given = o.build.base_url.has_value();
  if (const char* from_environment = std::getenv("PORTAL_BASE_URL"); !given && from_environment && *from_environment)
    o.build.base_url = from_environment;
  if (!o.build.base_url) return std::nullopt;
  if (const auto valid = check_base_url(*o.build.base_url, given ? "--base-url" : "PORTAL_BASE_URL"); !valid)
    return UsageError{valid.error() + "; give the site's public address, starting https://"};
  return std::nullopt;
}

// An option that takes no value, or --team, whose file is optional (the next
// word, unless it is another option); false for an option that takes a value.
bool set_switch(const std::vector<std::string>& args, std::size_t& i, Options& o) {
  const std::string& a = args[i];
  if (a == "--drafts")
    o.build.drafts = Drafts::show;
  else if (a == "--local")
    o.build.local = true;
  else if (a == "--full")
    o.build.full = true;
  else if (a == "--quiet")
    o.quiet = true;
  else if (a == "--team")
    o.team = i + 1 < args.size() && !args[i + 1].starts_with("--") ? args[++i] : "/etc/portal/team.toml";
  else
    return false;
  return true;
}

std::optional<UsageError> parse(const std::vector<std::string>& args, Options& o) {
  o.command = args.front();
  o.build.jobs = default_jobs();
  const bool is_build = o.command == "build";
  const bool is_check = o.command == "check";
  // A large site's Markdown is rendered in worker processes too: cmark-gfm
  // lets only one parse run at a time in a process.
  if (is_build || is_check) o.build.fork_bodies_from = kForkBodiesFrom;
  std::vector<std::string> flags = {"--source"};
  if (is_build || is_check) flags.insert(flags.end(), {"--drafts", "--base-url"});
  if (is_build) flags.insert(flags.end(), {"--output", "--jobs", "--quiet", "--local", "--full"});
  if (is_check) flags.insert(flags.end(), {"--format"});
  if (o.command == "serve") flags.insert(flags.end(), {"--host", "--port", "--team"});
  std::size_t first = 1;
  if (o.command == "new") {
    if (args.size() < 2 || args[1].starts_with("--"))
      return UsageError{"say what to make: portal new bulletin, event, meeting, paper, dhr or page"};
    o.new_kind = args[1];
    const auto known = scaffold_options().find(o.new_kind);
    if (known == scaffold_options().end())
      return UsageError{"portal new makes a bulletin, event, meeting, paper, dhr or page, not \"" + o.new_kind + "\""};
    flags.insert(flags.end(), known->second.begin(), known->second.end());
    first = 2;
  }
  for (std::size_t i = first; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (std::find(flags.begin(), flags.end(), a) == flags.end()) {
      const auto guess = text::closest(a, flags);
      return UsageError{"unknown option " + a + " for `portal " + o.command + "`" +
                        (guess.empty() ? "" : "; did you mean " + guess + "?")};
    }
    if (!set_switch(args, i, o)) {
      const auto v = value();
      if (!v) return UsageError{a + " needs a value"};
      if (a == "--source") {
        o.build.source = *v;
      } else if (a == "--output") {
        o.build.output = *v;
      } else if (a == "--base-url") {
        o.build.base_url = *v;
      } else if (a == "--jobs") {
        int n = 0;
        const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc() || ptr != v->data() + v->size() || n < 1 || n > 1024)
          return UsageError{"--jobs needs a whole number from 1 to 1024, not \"" + *v + "\""};
        o.build.jobs = n;
      } else if (a == "--format") {
        if (*v != "text" && *v != "json" && *v != "github")
          return UsageError{"--format must be text, json or github, not \"" + *v + "\""};
        o.format = *v == "json"     ? Options::Format::json
                   : *v == "github" ? Options::Format::github
                                    : Options::Format::text;
      } else if (a == "--host") {
        o.host = *v;
      } else if (a == "--port") {
        int n = 0;
        const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc() || ptr != v->data() + v->size() || n < 0 || n > 65535)
          return UsageError{"--port needs a port number from 0 to 65535, not \"" + *v + "\""};
        o.port = n;
      } else {
        o.new_options[a] = *v;
      }
    }
  }
  return base_url_problem(o);
}

int report_failure(const BuildResult& r, std::ostream& err) {
  err << format_text(r.diagnostics);
  if (!r.failure.message.empty()) err << "portal: error: " << r.failure.message << '\n';
  return kUsage;
}

std::string formatted(const Options& o, const Diagnostics& ds) {
  switch (o.format) {
    case Options::Format::json: return format_json(ds);
    case Options::Format::github: return format_github(ds);
    case Options::Format::text: break;
  }
  return format_text(ds);
}

int check(const Options& o, std::ostream& out, std::ostream& err) {
  const BuildResult r = run_check(o.build);
  if (r.outcome == Outcome::failure) {
    if (o.format != Options::Format::text) out << formatted(o, r.diagnostics);
    return report_failure(r, err);
  }
  out << formatted(o, r.diagnostics);
  return r.diagnostics.has_errors() ? kContentErrors : kOk;
}

// Shows a build's phase and count on one terminal line, redrawn in place.
class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& err) : err_(err) {}
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  void show(const std::string& phase, std::size_t done, std::size_t total) {
    std::string line = phase + (total ? " " + std::to_string(done) + " of " + std::to_string(total) : "...");
    const std::size_t width = std::max(shown_, line.size());
    line.resize(width, ' ');
    err_ << '\r' << line << std::flush;
    shown_ = width;
  }
  void clear() {
    if (shown_) err_ << '\r' << std::string(shown_, ' ') << '\r' << std::flush;
    shown_ = 0;
  }

 private:
  std::ostream& err_;
  std::size_t shown_ = 0;
};

int build(const Options& o, std::ostream& out, std::ostream& err) {
  // Ctrl+C or a stop signal: the build stops between files and removes what it staged.
  const StopOnSignals stop_on_signals;
  std::optional<ProgressLine> line;
  BuildOptions options = o.build;
  options.notice = [&](const std::string& what) {
    if (line) line->clear();
    err << "portal: " << what << std::endl;
  };
  // Progress only for a person watching: not with --quiet, nor into a file or pipe.
  if (!o.quiet && &err == &std::cerr && isatty(STDERR_FILENO)) {
    line.emplace(err);
    options.progress = [&line](const std::string& phase, std::size_t done, std::size_t total) {
      line->show(phase, done, total);
    };
  }
  const BuildResult r = run_build(options);
  if (line) line->clear();
  if (r.outcome == Outcome::stopped) {
    const int signal = stop_signal();
    err << "portal: stopped by "
        << (signal == SIGINT    ? "Ctrl+C (SIGINT)"
            : signal == SIGTERM ? "SIGTERM"
                                : "a signal")
        << "; the output folder is as it was before this build\n";
    return 128 + signal;
  }
  if (r.outcome == Outcome::failure) return report_failure(r, err);
  err << format_text(r.diagnostics);
  if (!r.history_note.empty() && r.outcome == Outcome::ok)
    err << "portal: warning: " << r.history_note << "; the site is built without history\n";
  if (r.outcome == Outcome::ok && is_placeholder_address(r.base_url))
    err << "portal: warning: " << placeholder_warning(r.base_url) << '\n';
  if (r.outcome == Outcome::content_errors) {
    err << "portal: nothing was published: fix the errors above and build again\n";
    return kContentErrors;
  }
  if (!o.quiet) {
    out << "Built " << r.pages << " pages (" << r.files << " files: " << r.written.written << " written, "
        << r.written.unchanged << " unchanged";
    if (r.written.removed) out << ", " << r.written.removed << " removed";
    out << ") into " << r.output.string() << '\n';
    if (r.work.nothing_changed)
      out << "Nothing had changed since the last build: nothing was read again\n";
    else
      out << "Read " << text::counted(r.work.documents_read, "document") << ", rendered "
          << text::counted(r.work.texts_rendered, "text") << ", drew " << text::counted(r.work.pages_rendered, "page")
          << ", made " << text::counted(r.work.search_pieces, "piece") << " of the search index\n";
    if (!r.work.nothing_changed && r.history_note.empty())
      out << "Read " << text::counted(r.work.commits_read, "commit") << " of the history\n";
  }
  return kOk;
}

int make_new(const Options& o, std::ostream& out, std::ostream& err) {
  ScaffoldRequest request;
  request.kind = o.new_kind;
  request.options = o.new_options;
  request.today = today();
  const ScaffoldResult r = scaffold(o.build.source, request);
  if (!r) {
    err << "portal: " << r.error() << '\n';
    return kUsage;
  }
  out << (o.build.source / *r).lexically_normal().string() << '\n';
  return kOk;
}

// `portal serve --team`: the team editor, on its socket behind the sign-in front, until a stop signal.
int serve_team(const Options& o, std::ostream& out, std::ostream& err) {
  const auto config = load_team_config(*o.team);
  if (!config) {
    err << "portal: " << config.error() << '\n';
    return kUsage;
  }
  Team team(*config);
  if (const auto opened = team.open(); !opened) {
    err << "portal: " << opened.error() << '\n';
    return kUsage;
  }
  ServeOptions options;
  options.source = team.config.source;
  options.jobs = o.build.jobs;
  options.team = &team;
  PreviewServer server(options);
  if (const auto started = server.start(); !started) {
    err << "portal: " << started.error() << (started.error().ends_with('\n') ? "" : "\n");
    return kUsage;
  }
  out << "The team editor is at " << team.config.editor_address << "/__portal/edit/, through the sign-in front on "
      << team.config.socket.string() << " (press Ctrl+C to stop)" << std::endl;
  const StopOnSignals stop_on_signals;
  std::uint64_t seen = server.wait_for_change(0, std::chrono::milliseconds(0));
  while (!stop_requested()) {
    seen = server.wait_for_change(seen, std::chrono::milliseconds(200));
    for (const auto& problem : server.take_errors()) err << "portal: error: " << problem << std::endl;
    if (const auto failure = server.failure(); !failure.empty()) {
      server.stop();
      err << "portal: error: " << failure << "; the team editor has stopped" << std::endl;
      return kUsage;
    }
  }
  server.stop();
  out << "Stopped." << std::endl;
  return kOk;
}

int serve(const Options& o, std::ostream& out, std::ostream& err) {
  if (o.team) return serve_team(o, out, err);
  ServeOptions options;
  options.source = o.build.source;
  options.host = o.host;
  options.port = o.port;
  options.jobs = o.build.jobs;
  PreviewServer server(options);
  if (const auto started = server.start(); !started) {
    const std::string& error = started.error();
    err << "portal: " << error << (error.ends_with('\n') ? "" : "\n");
    return kUsage;
  }
  out << "Previewing the site, drafts included, at http://" << o.host << ":" << server.port()
      << "/ (press Ctrl+C to stop)" << std::endl;
  if (server.editing()) {
    out << "Editor: http://" << o.host << ":" << server.port() << "/__portal/edit/" << std::endl;
  } else {
    err << "portal: warning: " << o.host << " is not this computer's own address: anyone who can reach it sees the "
        << "drafts in this preview\n"
        << "portal: the editor is off: it runs only while the preview listens on this computer's own address "
        << "(--host 127.0.0.1, the default)\n";
  }
  if (const auto problems = server.problems(); !problems.empty()) err << problems;
  // Wait for Ctrl+C or a stop signal, reporting each rebuild's problems.
  const StopOnSignals stop_on_signals;
  std::uint64_t seen = server.wait_for_change(0, std::chrono::milliseconds(0));
  while (!stop_requested()) {
    const auto now = server.wait_for_change(seen, std::chrono::milliseconds(200));
    for (const auto& problem : server.take_errors()) err << "portal: error: " << problem << std::endl;
    if (const auto failure = server.failure(); !failure.empty()) {
      server.stop();
      err << "portal: error: " << failure << "; the preview has stopped" << std::endl;
      return kUsage;
    }
    if (now != seen) {
      seen = now;
      const auto problems = server.problems();
      if (problems.empty())
        out << "Rebuilt." << std::endl;
      else
        err << problems;
    }
  }
  server.stop();
  out << "Stopped." << std::endl;
  return kOk;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << kUsageText;
    return kUsage;
  }
  const std::string& command = args.front();
  if (command == "--help" || command == "-h" || command == "help") {
    out << kUsageText;
    return kOk;
  }
  if (command == "--version") {
    const std::string described = git_description();
    out << "portal " << PORTAL_VERSION << (described.empty() ? "" : " (git " + described + ")") << '\n';
    return kOk;
  }
  if (command != "build" && command != "check" && command != "serve" && command != "new") {
    const auto guess = text::closest(command, {"build", "check", "serve", "new"});
    err << "portal: unknown command \"" << command << "\""
        << (guess.empty() ? std::string() : "; did you mean " + guess + "?") << "\n\n"
        << kUsageText;
    return kUsage;
  }
  Options o;
  if (const auto problem = parse(args, o)) {
    err << "portal: " << problem->message << "\n\n" << kUsageText;
    return kUsage;
  }
  try {
    if (command == "new") return make_new(o, out, err);
    if (command == "serve") return serve(o, out, err);
    return command == "build" ? build(o, out, err) : check(o, out, err);
  } catch (const std::exception& e) {
    // Library code reports problems as values; this is the last line of defence.
    err << "portal: error: " << e.what() << '\n';
    return kUsage;
  }
}

}  // namespace portal
