// The published copy brought up to date with libgit2, built with the
// pipeline, and the page fetched back with libcurl.
#include "team_live.h"

#include <curl/curl.h>

#include "build.h"
#include "files.h"
#include "git_handles.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

std::string git_failure(const std::string& what) {
  const ::git_error* e = git_error_last();
  return what + ": " + (e && e->message ? e->message : "unknown error");
}

using Remote = git::Handle<git_remote, git_remote_free>;
using Object = git::Handle<git_object, git_object_free>;
using Config = git::Handle<git_config, git_config_free>;

// The remote `name` of `repo` at the address its configuration gives (for a
// push, its pushurl when it has one). It is made without url.*.insteadOf:
// Debian's libgit2 1.5 leaks memory for every configuration entry it looks
// through for those (git_regexp_match on a miss), once a publish, for as long
// as the server runs (docs/team-editor.md).
Result<Remote> remote_named(git_repository* repo, const std::string& name, bool pushing) {
  git_config* config_raw = nullptr;
  if (git_repository_config_snapshot(&config_raw, repo) != 0) return fail(git_failure("cannot read git's settings"));
  const Config config(config_raw);
  git_buf url = GIT_BUF_INIT;
  const std::string key = "remote." + name;
  int found = pushing ? git_config_get_string_buf(&url, config.get(), (key + ".pushurl").c_str()) : GIT_ENOTFOUND;
  if (found != 0) found = git_config_get_string_buf(&url, config.get(), (key + ".url").c_str());
  if (found != 0) return fail(git_failure("there is no remote \"" + name + "\""));
  const std::string address(url.ptr);
  git_buf_dispose(&url);
  git_remote_create_options options = GIT_REMOTE_CREATE_OPTIONS_INIT;
  options.repository = repo;
  options.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  git_remote* remote = nullptr;
  if (git_remote_create_with_opts(&remote, address.c_str(), &options) != 0)
    return fail(git_failure("cannot reach the remote \"" + name + "\""));
  return Remote(remote);
}

Result<git_oid> head_of(const fs::path& source) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, source.c_str(), 0, nullptr) != 0)
    return fail(git_failure("cannot open the content's repository " + source.string()));
  const git::Repository repo(raw);
  git_oid oid{};
  if (git_reference_name_to_id(&oid, repo.get(), "HEAD") != 0) return fail(git_failure("the content has no commit"));
  return oid;
}

// The clone's origin, made as remote_named() makes a remote.
int make_origin(git_remote** out, git_repository* repo, const char* name, const char* url, void* /*payload*/) {
  git_remote_create_options options = GIT_REMOTE_CREATE_OPTIONS_INIT;
  options.repository = repo;
  options.name = name;
  options.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
  return git_remote_create_with_opts(out, url, &options);
}

// `copy` as a clone of `source` at `commit`, its files exactly the commit's.
Done bring_up_to_date(const fs::path& source, const fs::path& copy, const git_oid& commit) {
  git_repository* raw = nullptr;
  if (!fs::exists(copy / ".git")) {
    git_clone_options options = GIT_CLONE_OPTIONS_INIT;
    options.checkout_opts.checkout_strategy = GIT_CHECKOUT_FORCE;
    options.remote_cb = make_origin;
    if (git_clone(&raw, source.c_str(), copy.c_str(), &options) != 0)
      return fail(git_failure("cannot copy the content into " + copy.string()));
  } else if (git_repository_open(&raw, copy.c_str()) != 0) {
    return fail(git_failure("cannot open the published copy " + copy.string()));
  }
  const git::Repository repo(raw);
  const auto remote = remote_named(repo.get(), "origin", false);
  if (!remote) return fail("the published copy cannot fetch: " + remote.failure().message);
  // The source's branches, and its HEAD should it be on none.
  char branches[] = "+refs/heads/*:refs/remotes/origin/*";
  char head[] = "+HEAD:refs/remotes/origin/HEAD";
  char* specs[] = {branches, head};
  const git_strarray refspecs{specs, 2};
  if (git_remote_fetch(remote->get(), &refspecs, nullptr, nullptr) != 0)
    return fail(git_failure("cannot fetch the content into the published copy"));
  git_object* target_raw = nullptr;
  if (git_object_lookup(&target_raw, repo.get(), &commit, GIT_OBJECT_COMMIT) != 0)
    return fail(git_failure("the published copy does not have the commit"));
  const Object target(target_raw);
  git_checkout_options checkout = GIT_CHECKOUT_OPTIONS_INIT;
  checkout.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
  if (git_reset(repo.get(), target.get(), GIT_RESET_HARD, &checkout) != 0)
    return fail(git_failure("cannot bring the published copy to the commit"));
  return {};
}

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() > 64 * 1024 * 1024) return 0;  // far larger than any page
  body->append(data, size * count);
  return size * count;
}

}  // namespace

Result<LiveResult> go_live(const fs::path& source, const fs::path& copy, const fs::path& output, int jobs) {
  const git::Library library;
  const auto head = head_of(source);
  if (!head) return head.failure();
  if (auto updated = bring_up_to_date(source, copy, *head); !updated) return updated.failure();
  BuildOptions options;
  options.source = copy;
  options.output = output;
  options.drafts = Drafts::hide;
  options.jobs = jobs;
  const BuildResult built = run_build(options);
  if (built.outcome == Outcome::content_errors)
    return fail("the published site has errors, so it was not built:\n" + format_text(built.diagnostics));
  if (built.outcome == Outcome::stopped) return fail("the server was stopping, so the site was not built");
  if (built.outcome != Outcome::ok) return fail("the site could not be built: " + built.failure.message);
  char id[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(id, sizeof id, &*head);
  return LiveResult{id, built.pages};
}

Done confirm_live(const std::string& url, const std::string& expect) {
  CURL* curl = curl_easy_init();
  if (!curl) return fail("cannot start a request to " + url);
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) return fail(url + " did not answer (" + curl_easy_strerror(code) + ")");
  if (status != 200) return fail(url + " answered " + std::to_string(status) + ", not the page");
  if (!expect.empty() && body.find(expect) == std::string::npos)
    return fail(url + " does not yet show the page as published");
  return {};
}

namespace {

// What a push heard from libgit2's callbacks.
struct Pushing {
  const TeamConfig* config;
  int credential_tries = 0;
  std::string refused;      // the remote's reason for a reference it did not take
  std::string remote_said;  // what the remote's hooks wrote
};

int give_credentials(git_credential** out, const char* /*url*/, const char* user_from_url, unsigned int allowed,
                     void* payload) {
  auto* p = static_cast<Pushing*>(payload);
  if (++p->credential_tries > 2) return GIT_EUSER;  // refused twice: the key or token is wrong
  const TeamConfig& c = *p->config;
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !c.ssh_key.empty()) {
    const std::string pub = c.ssh_key.string() + ".pub";
    return git_credential_ssh_key_new(out, user_from_url ? user_from_url : "git", pub.c_str(), c.ssh_key.c_str(),
                                      nullptr);
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !c.token_file.empty()) {
    const auto token = read_file(c.token_file);
    if (!token) return GIT_EUSER;
    return git_credential_userpass_plaintext_new(out, user_from_url ? user_from_url : "x-access-token",
                                                 text::trim(*token).c_str());
  }
  return GIT_PASSTHROUGH;
}

int note_refusal(const char* reference, const char* status, void* payload) {
  if (status) static_cast<Pushing*>(payload)->refused += std::string(reference) + ": " + status;
  return 0;
}

int note_remote(const char* text, int length, void* payload) {
  auto& said = static_cast<Pushing*>(payload)->remote_said;
  if (said.size() < 4096) said.append(text, static_cast<std::size_t>(length));
  return 0;
}

}  // namespace

Done push_to_remote(const fs::path& source, const TeamConfig& config) {
  const git::Library library;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, source.c_str(), 0, nullptr) != 0)
    return fail(git_failure("cannot open the content's repository " + source.string()));
  const git::Repository repo(raw);
  const auto remote = remote_named(repo.get(), config.remote, true);
  if (!remote) return fail("the content's repository cannot push: " + remote.failure().message);
  Pushing pushing{&config, 0, {}, {}};
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  options.callbacks.credentials = give_credentials;
  options.callbacks.push_update_reference = note_refusal;
  options.callbacks.sideband_progress = note_remote;
  options.callbacks.payload = &pushing;
  std::string refspec = "HEAD:refs/heads/" + config.branch;
  char* specs[] = {refspec.data()};
  const git_strarray refspecs{specs, 1};
  const int pushed = git_remote_push(remote->get(), &refspecs, &options);
  const std::string said = text::trim(text::strip_controls(pushing.remote_said));
  if (pushed != 0)
    return fail(git_failure("the content repository could not be reached") + (said.empty() ? "" : " (" + said + ")"));
  if (!pushing.refused.empty())
    return fail("the content repository refused it (" + pushing.refused + (said.empty() ? "" : "; " + said) + ")");
  return {};
}

}  // namespace portal
