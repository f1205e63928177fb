#include "cli.h"

#include <charconv>
#include <optional>

#include "build.h"
#include "parallel.h"
#include "text.h"

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
    "  portal build  [--source DIR] [--output DIR] [--drafts] [--jobs N] [--quiet]\n"
    "  portal check  [--source DIR] [--format text|json] [--drafts]\n"
    "  portal --help | --version\n"
    "\n"
    "  build   check the content, then write the site to the output folder\n"
    "          (output_dir in site.toml, else public/); nothing is written when\n"
    "          the content has errors\n"
    "  check   report every problem in the content, writing nothing\n"
    "\n"
    "  --source DIR   the folder holding site.toml and content/ (default: .)\n"
    "  --output DIR   where to write the site\n"
    "  --drafts       include drafts, for a local preview only\n"
    "  --jobs N       threads to use (default: every core)\n"
    "  --quiet        print nothing but problems\n"
    "  --format F     text (default) or json\n"
    "\n"
    "Exit status: 0 success, 1 the content has errors, 2 usage, configuration or I/O error.\n";

struct Options {
  std::string command;
  BuildOptions build;
  bool quiet = false;
  bool json = false;
};

struct UsageError {
  std::string message;
};

std::optional<UsageError> parse(const std::vector<std::string>& args, Options& o) {
  o.command = args.front();
  o.build.jobs = default_jobs();
  const bool is_build = o.command == "build";
  const bool is_check = o.command == "check";
  std::vector<std::string> flags = {"--source", "--drafts"};
  if (is_build) flags.insert(flags.end(), {"--output", "--jobs", "--quiet"});
  if (is_check) flags.insert(flags.end(), {"--format"});
  for (std::size_t i = 1; i < args.size(); ++i) {
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
    if (a == "--drafts") {
      o.build.drafts = Drafts::show;
    } else if (a == "--quiet") {
      o.quiet = true;
    } else {
      const auto v = value();
      if (!v) return UsageError{a + " needs a value"};
      if (a == "--source") {
        o.build.source = *v;
      } else if (a == "--output") {
        o.build.output = *v;
      } else if (a == "--jobs") {
        int n = 0;
        const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc() || ptr != v->data() + v->size() || n < 1 || n > 1024)
          return UsageError{"--jobs needs a whole number from 1 to 1024, not \"" + *v + "\""};
        o.build.jobs = n;
      } else if (a == "--format") {
        if (*v != "text" && *v != "json") return UsageError{"--format must be text or json, not \"" + *v + "\""};
        o.json = *v == "json";
      }
    }
  }
  return std::nullopt;
}

int report_failure(const BuildResult& r, std::ostream& err) {
  err << format_text(r.diagnostics);
  if (!r.error.empty()) err << "portal: error: " << r.error << '\n';
  return kUsage;
}

int check(const Options& o, std::ostream& out, std::ostream& err) {
  const BuildResult r = run_check(o.build);
  if (r.outcome == Outcome::failure) {
    if (o.json) out << format_json(r.diagnostics);
    return report_failure(r, err);
  }
  out << (o.json ? format_json(r.diagnostics) : format_text(r.diagnostics));
  return r.diagnostics.has_errors() ? kContentErrors : kOk;
}

int build(const Options& o, std::ostream& out, std::ostream& err) {
  const BuildResult r = run_build(o.build);
  if (r.outcome == Outcome::failure) return report_failure(r, err);
  err << format_text(r.diagnostics);
  if (!r.history_note.empty() && r.outcome == Outcome::ok)
    err << "portal: warning: " << r.history_note << "; the site is built without history\n";
  if (r.outcome == Outcome::content_errors) {
    err << "portal: nothing was published: fix the errors above and build again\n";
    return kContentErrors;
  }
  if (!o.quiet) out << "Built " << r.pages << " pages (" << r.files << " files) into " << r.output.string() << '\n';
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
    out << "portal " << PORTAL_VERSION << '\n';
    return kOk;
  }
  if (command != "build" && command != "check") {
    const auto guess = text::closest(command, {"build", "check"});
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
    return command == "build" ? build(o, out, err) : check(o, out, err);
  } catch (const std::exception& e) {
    // Library code reports problems as values; this is the last line of defence.
    err << "portal: error: " << e.what() << '\n';
    return kUsage;
  }
}

}  // namespace portal
