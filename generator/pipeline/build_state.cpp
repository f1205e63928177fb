#include "build_state.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "config.h"
#include "files.h"
#include "git_handles.h"
#include "git_history.h"
#include "output.h"
#include "parallel.h"
#include "theme_ids.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

// The first line of a state; a state of any other version is never read.
constexpr std::string_view kStateVersion = "portal build state 2";
// A file whose time is this close to the start of the build that read it may
// have changed again within the same tick of the file system's clock: its
// bytes are compared, not its time.
constexpr std::int64_t kSameTickNs = 2'000'000'000;

std::int64_t nanoseconds(const struct timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// The file_identity() of the file at `path` (through links); empty when it cannot be read.
std::string identity_of(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 ? file_identity(st) : std::string();
}

// The executable and every library it had loaded when first asked (those it
// links: cmark-gfm, libxml2, the stemmer…): a portal built again, or a
// library upgraded, is another program. Taken once a process, since a library
// loaded later (by libgit2, say) would make the same program look another.
// Empty when the process cannot see itself (no /proc): then no state is
// written or trusted.
std::string identify_program() {
  std::string identity = identity_of("/proc/self/exe");
  const auto maps = read_file("/proc/self/maps");
  if (identity.empty() || !maps) return {};
  std::set<std::string> libraries;
  for (std::size_t at = 0; at < maps->size();) {
    const auto end = std::min(maps->find('\n', at), maps->size());
    const auto slash = maps->find('/', at);
    if (slash < end) libraries.insert(maps->substr(slash, end - slash));
    at = end + 1;
  }
  for (const auto& library : libraries) {
    const std::string known = identity_of(library.c_str());
    if (known.empty()) return {};
    identity += "\n" + library + " " + known;
  }
  return identity;
}

}  // namespace

const std::string& program_identity() {
  static const std::string identity = identify_program();
  return identity;
}

fs::path source_root(const fs::path& source) {
  std::error_code ec;
  return fs::weakly_canonical(fs::absolute(source, ec), ec);
}

namespace {

// The site's time zone as its calendars write it, from the system's time
// zone data: an upgrade of tzdata that changes the zone's rule is a change.
std::string zone_key(const Settings& settings) {
  if (!settings.config) return "(none)";
  std::string zone = settings.config->time_zone.name;
  for (const auto& line : settings.config->time_zone.lines) zone += '\n' + line;
  return std::to_string(content_hash(zone));
}

std::string options_key(const BuildOptions& options, const Settings& settings) {
  std::string key = source_root(options.source).string();
  key += options.drafts == Drafts::show ? " drafts" : " no-drafts";
  key += options.local ? " local" : " published";
  key += " base_url=" + options.base_url.value_or("(site.toml)");
  key += " root_path=" + options.root_path.value_or("(base_url)");
  key += " zone=" + zone_key(settings);
  return key;
}

// Every file under the folders a build reads, by lstat: site.toml, content/,
// the site's themes and the themes that ship with the program. nullopt when
// they hold anything but folders and regular files (a symbolic link, which the
// theme's and settings' readers would follow), or a folder cannot be read:
// then no state is written or trusted.
std::optional<std::vector<InputFile>> walk_sources(const fs::path& source) {
  std::error_code ec;
  const fs::path root = source_root(source);
  std::vector<InputFile> files;
  bool readable = true;
  auto add = [&](const std::string& path, const struct stat& st) {
    if (S_ISDIR(st.st_mode)) return;
    if (!S_ISREG(st.st_mode)) readable = false;
    files.push_back(
        {path, static_cast<std::uint64_t>(st.st_size), nanoseconds(st.st_mtim), nanoseconds(st.st_ctim), 0});
  };
  if (struct stat st{}; ::lstat((root / "site.toml").c_str(), &st) == 0) add((root / "site.toml").string(), st);
  for (const fs::path& given : {root / "content", root / "themes", shipped_themes()}) {
    // The folder itself as its reader finds it, through a link if it is one; nothing beneath it through one.
    const fs::path folder = fs::canonical(given, ec);
    if (ec == std::errc::no_such_file_or_directory) continue;  // a site with no themes/ of its own
    if (ec) return std::nullopt;
    const std::string prefix = folder.string() + "/";
    const bool whole = walk_tree(folder, [&](std::string_view relative, const struct stat& st) {
      add(prefix + std::string(relative), st);
      return true;
    });
    if (!whole) return std::nullopt;
  }
  if (!readable) return std::nullopt;
  std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  return files;
}

// The hash of a file's bytes; 0 when it cannot be read.
std::uint64_t hash_of(const std::string& path) {
  const auto bytes = read_file(path);
  return bytes ? content_hash(*bytes) : 0;
}

// What the state keeps of a file's path or of the history's key: its hash.
// Either may name a restricted paper, and the state names none.
std::string hidden(std::string_view text) { return std::to_string(content_hash(text)); }

// A value on one line: backslashes, tabs and line breaks written as escapes.
std::string escaped(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

std::string unescaped(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\' || i + 1 == value.size()) {
      out += value[i];
      continue;
    }
    const char next = value[++i];
    out += next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next;
  }
  return out;
}

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> fields;
  for (std::size_t at = 0;;) {
    const auto tab = line.find('\t', at);
    fields.push_back(unescaped(line.substr(at, tab == std::string_view::npos ? line.size() - at : tab - at)));
    if (tab == std::string_view::npos) return fields;
    at = tab + 1;
  }
}

template <class Number>
bool number(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

// What a state holds besides the inputs.
struct RecordedState {
  BuildInputs inputs;
  std::string generation;
  BuildResult result;
  std::unordered_map<std::string, std::uint64_t> pages;
};

namespace {

std::string state_text(const BuildInputs& inputs, const std::string& generation, const BuildResult& result,
                       const std::unordered_map<std::string, std::uint64_t>& pages) {
  std::string text = std::string(kStateVersion) + "\n";
  auto line = [&text](std::string_view key, std::string_view value) {
    text.append(key).append("\t").append(escaped(value)).append("\n");
  };
  line("program", inputs.program);
  line("options", inputs.options);
  line("today", inputs.today);
  line("history", inputs.history);
  line("started", std::to_string(inputs.started_ns));
  line("generation", generation);
  line("pages", std::to_string(result.pages));
  line("files", std::to_string(result.files));
  line("base_url", result.base_url);
  line("history_note", result.history_note);
  for (const auto& d : result.diagnostics.items()) {
    text += "diagnostic\t" + std::string(d.severity == Severity::error ? "error" : "warning");
    for (const auto& value : {d.file, std::to_string(d.pos.line), std::to_string(d.pos.column), d.rule, d.message,
                              d.hint, d.field, std::to_string(static_cast<int>(d.problem))})
      text += "\t" + escaped(value);
    text += "\n";
  }
  for (const auto& f : inputs.files)
    text += "file\t" + std::to_string(f.size) + "\t" + std::to_string(f.mtime_ns) + "\t" + std::to_string(f.ctime_ns) +
            "\t" + std::to_string(f.hash) + "\t" + hidden(f.path) + "\n";
  std::vector<std::pair<std::string, std::uint64_t>> sorted(pages.begin(), pages.end());
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [path, key] : sorted) text += "page\t" + escaped(path) + "\t" + std::to_string(key) + "\n";
  return text + "end\n";
}

bool read_diagnostic(const std::vector<std::string>& f, Diagnostics& out) {
  Diagnostic d;
  int problem = 0;
  if (f.size() != 10 || (f[1] != "error" && f[1] != "warning") || !number(f[3], d.pos.line) ||
      !number(f[4], d.pos.column) || !number(f[9], problem))
    return false;
  d.severity = f[1] == "error" ? Severity::error : Severity::warning;
  d.file = f[2];
  d.rule = f[5];
  d.message = f[6];
  d.hint = f[7];
  d.field = f[8];
  d.problem = static_cast<FieldProblem>(problem);
  out.add(std::move(d));
  return true;
}

// One line of a state into `saved`; false when it is not one a state holds.
bool read_line(const std::vector<std::string>& f, RecordedState& saved) {
  const std::string& key = f[0];
  BuildInputs& in = saved.inputs;
  BuildResult& r = saved.result;
  if (key == "diagnostic") return read_diagnostic(f, r.diagnostics);
  if (key == "page") {
    std::uint64_t page_key = 0;
    return f.size() == 3 && number(f[2], page_key) && saved.pages.emplace(f[1], page_key).second;
  }
  if (key == "file") {
    InputFile file;
    if (f.size() != 6 || !number(f[1], file.size) || !number(f[2], file.mtime_ns) || !number(f[3], file.ctime_ns) ||
        !number(f[4], file.hash))
      return false;
    file.path = f[5];
    in.files.push_back(std::move(file));
    return true;
  }
  if (f.size() != 2) return false;
  const std::string& value = f[1];
  if (key == "started") return number(value, in.started_ns) && in.started_ns > kSameTickNs;
  if (key == "pages") return number(value, r.pages);
  if (key == "files") return number(value, r.files);
  std::string* text = key == "program"        ? &in.program
                      : key == "options"      ? &in.options
                      : key == "today"        ? &in.today
                      : key == "history"      ? &in.history
                      : key == "generation"   ? &saved.generation
                      : key == "base_url"     ? &r.base_url
                      : key == "history_note" ? &r.history_note
                                              : nullptr;
  if (!text) return false;
  *text = value;
  return true;
}

// The state beside `output`; null when there is none, or it is of another
// version, incomplete or unreadable in any part.
std::shared_ptr<RecordedState> read_state(const fs::path& output) {
  const auto text = read_file(build_state_file(output));
  if (!text || !text->starts_with(std::string(kStateVersion) + "\n") || !text->ends_with("\nend\n")) return nullptr;
  auto state = std::make_shared<RecordedState>();
  RecordedState& saved = *state;
  std::size_t at = kStateVersion.size() + 1;
  const std::size_t last = text->size() - 4;  // "end\n"
  while (at < last) {
    const auto end = text->find('\n', at);
    if (!read_line(split_tabs(std::string_view(*text).substr(at, end - at)), saved)) return nullptr;
    at = end + 1;
  }
  return state;
}

bool same_stat(const InputFile& a, const InputFile& b) {
  return a.size == b.size && a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns;
}

// Whether `file` was written within a tick of the start of the build that
// recorded it: its bytes may have changed since without its time.
bool racy(const InputFile& file, const BuildInputs& recorded) {
  return file.mtime_ns >= recorded.started_ns - kSameTickNs;
}

// Whether the files a build reads, as `now` lists and hashes them, are those
// `saved` recorded: the same paths with the same bytes.
bool same_files(const std::vector<InputFile>& now, const BuildInputs& saved) {
  if (now.size() != saved.files.size()) return false;
  for (std::size_t i = 0; i < now.size(); ++i) {
    const InputFile& was = saved.files[i];
    if (hidden(now[i].path) != was.path || now[i].size != was.size || now[i].hash != was.hash) return false;
  }
  return true;
}

// Whether `now` names what `recorded` names, but for the history: the same
// program, options, date and files.
bool same_inputs(const BuildInputs& recorded, const BuildInputs& now) {
  return now.complete && recorded.program == now.program && recorded.options == now.options &&
         recorded.today == now.today && same_files(now.files, recorded);
}

// Whether nothing a build read changed while it ran: every file as its stat
// was before (and its bytes, for one written within a tick of the start), and
// its history read at the HEAD its inputs name. A file changed and put back
// during the build may have been read changed: the build's state is then not
// saved. Git is not asked again: the build took what is not committed from
// its inputs, and the next build asks afresh before trusting this state.
bool unchanged_during_build(const BuildOptions& options, const BuildInputs& before, const std::string& history_head) {
  if (history_head != before.head) return false;
  const auto now = walk_sources(options.source);
  if (!now || now->size() != before.files.size()) return false;
  for (std::size_t i = 0; i < now->size(); ++i) {
    const InputFile& was = before.files[i];
    if ((*now)[i].path != was.path || !same_stat((*now)[i], was)) return false;
    if (racy(was, before) && hash_of(was.path) != was.hash) return false;
  }
  return true;
}

}  // namespace

Settings read_settings(const fs::path& source) {
  Settings settings;
  const auto text = read_file(source / "site.toml");
  if (!text) return settings;
  Diagnostics ignored;  // the build reports them
  settings.config = parse_config(*text, "site.toml", ignored);
  settings.hash = content_hash(*text);
  return settings;
}

BuildInputs read_inputs(const BuildOptions& options, const Settings& settings, const std::optional<fs::path>& output,
                        const std::function<void(bool as_recorded)>& beside_git) {
  BuildInputs inputs;
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  inputs.started_ns = nanoseconds(now);
  inputs.program = program_identity();
  inputs.options = options_key(options, settings);
  inputs.today = today().iso();
  // Git's status and the files' walk each wait on the file system: side by side.
  git::Beside git([&] { return history_key(options.source); });
  auto files = walk_sources(options.source);
  inputs.complete = files && !inputs.program.empty();
  if (files) inputs.files = std::move(*files);
  // What the last build recorded of each file, by its hidden path.
  if (output && inputs.complete) inputs.recorded = read_state(*output);
  const RecordedState* saved =
      inputs.recorded && inputs.recorded->inputs.program == inputs.program ? inputs.recorded.get() : nullptr;
  std::unordered_map<std::string_view, const InputFile*> recorded;
  if (saved)
    for (const InputFile& was : saved->inputs.files) recorded.emplace(was.path, &was);
  parallel_for(inputs.files.size(), options.jobs, [&](std::size_t i) {
    InputFile& file = inputs.files[i];
    if (const auto was = recorded.find(hidden(file.path));
        was != recorded.end() && same_stat(file, *was->second) && !racy(*was->second, saved->inputs))
      file.hash = was->second->hash;
    else
      file.hash = hash_of(file.path);
  });
  // The zone in the key is from the site.toml read before: it must be this one.
  const std::string toml_path = (source_root(options.source) / "site.toml").string();
  const auto toml = std::find_if(inputs.files.begin(), inputs.files.end(),
                                 [&](const InputFile& file) { return file.path == toml_path; });
  if (toml == inputs.files.end() || toml->hash != settings.hash) inputs.complete = false;
  if (beside_git) beside_git(saved && same_inputs(saved->inputs, inputs));
  HistoryKey key = git.get();
  inputs.history = hidden(key.key);
  inputs.head = std::move(key.head);
  inputs.uncommitted = std::move(key.uncommitted);
  return inputs;
}

bool noted_history(const BuildInputs& inputs, const HistoryKey& key) { return hidden(key.key) == inputs.history; }

std::optional<BuildResult> unchanged_build(const fs::path& output, const BuildInputs& now,
                                           const std::string* live_generation) {
  const auto saved = now.recorded ? now.recorded : read_state(output);
  if (!saved || !same_inputs(saved->inputs, now) || saved->inputs.history != now.history) return std::nullopt;
  const std::string generation = live_generation ? *live_generation : live_output_fingerprint(output);
  if (generation.empty() || generation != saved->generation) return std::nullopt;
  BuildResult result = saved->result;
  result.output = output;
  result.written.unchanged = result.files;
  result.work.nothing_changed = true;
  return result;
}

void save_build_state(const BuildOptions& options, const fs::path& output, const BuildInputs& inputs,
                      const BuildResult& result, const std::string& history_head,
                      const std::unordered_map<std::string, std::uint64_t>& pages) {
  // A message about a draft or a restricted paper may quote it: such a build keeps no state, and the next one
  // runs whole; nor one whose inputs could not all be read, or changed while it ran.
  if (!inputs.complete || result.quotes_unpublished || !unchanged_during_build(options, inputs, history_head)) {
    forget_build_state(output);
    return;
  }
  // The generation this build has just put in place: the next build checks the folder against it.
  const std::string generation = committed_output_fingerprint(output);
  const fs::path file = build_state_file(output);
  const int dir = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool saved = !generation.empty() && dir >= 0 &&
                     write_atomically(dir, file.filename().string(), state_text(inputs, generation, result, pages),
                                      {IfExists::replace, 0600, {}})
                         .ok();
  if (dir >= 0) ::close(dir);
  if (!saved) forget_build_state(output);
}

std::unordered_map<std::string, std::uint64_t> last_page_keys(const fs::path& output) {
  auto saved = read_state(output);
  const std::string& program = program_identity();
  if (!saved || program.empty() || saved->inputs.program != program) return {};
  // The live generation is the one the state describes; each file handed on
  // is checked against its record when it is (StagedOutput::hand_on).
  const std::string generation = committed_output_fingerprint(output);
  if (generation.empty() || generation != saved->generation) return {};
  return std::move(saved->pages);
}

void forget_build_state(const fs::path& output) {
  std::error_code ec;
  fs::remove(build_state_file(output), ec);
}

}  // namespace portal
