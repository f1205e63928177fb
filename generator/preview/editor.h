// The editor in the preview, at /__portal/edit/: a start page of every
// document, a form per kind made from the loader's own fields, the checker's
// diagnostics and the page itself as one types, saving that never overwrites
// a change made elsewhere, and publishing as one git commit.
//
// It answers only requests addressed to the preview's own loopback address
// (a Host header naming another is refused, against DNS rebinding); every
// request that changes anything must come from the editor's own pages (the
// Origin header) and carry the secret this process made at start.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <toml++/toml.h>
#include <mstch/mstch.hpp>

#include "beneath.h"
#include "git_commit.h"
#include "git_history.h"
#include "site.h"
#include "team_state.h"
#include "theme.h"
#include "urls.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace portal {

struct SettingsForm;  // editor_settings.cpp

// What the editor needs of the preview it lives in.
class EditorHost {
 public:
  virtual ~EditorHost() = default;
  // Runs `f` under the preview's lock with its last loaded site (nullptr
  // before one has loaded; it may have errors), the theme and history of its
  // last good build (nullptr when there is none). `f` may change the site if
  // it puts it back as it was.
  virtual void with_site(const std::function<void(Site*, const Theme*, const History*)>& f) = 0;
  // Rebuilds from the files now, before answering.
  virtual void rebuild_now() = 0;
  // A file of the last good build, by its path in the output (bulletins/2024-07/email.html); nullopt when none.
  virtual std::optional<std::string> built_file(const std::string& output_path) = 0;
};

class Editor {
 public:
  // `team`: the team editor on a server (editor_team.cpp), whose people sign in at a front; nullptr on
  // one's own computer.
  Editor(EditorHost& host, std::filesystem::path source, int jobs, Team* team = nullptr);
  // Once the port is known: the Host headers the editor answers.
  void set_port(int port);
  // Answers a request whose path starts with /__portal/edit/.
  void handle(const httplib::Request& request, httplib::Response& response);
  // The team editor's timer: publishes, as the person who scheduled it, each document whose time has come by
  // `now`, through the same steps as their own publish; one changed since it was scheduled is not published.
  void publish_due(std::chrono::system_clock::time_point now);
  // Why the preview's pages (drafts included) are not shown to the sender of `request`: it is not addressed to
  // the editor's own address, or (the team editor) its sender is not on the team; empty when they are shown.
  [[nodiscard]] std::string refuses_preview(const httplib::Request& request) const;
  // The key every request that changes anything carries.
  [[nodiscard]] const std::string& secret() const { return secret_; }
  // The editor's address for a content file, for the preview's pages.
  static std::string address_of(const std::string& path);
  // The editor's address for a document's versions, and for the change `commit` made to it (when given).
  static std::string version_address(const std::string& path, const std::string& commit = {});
  // Whether a request's Host header names this computer's own address (and, when it gives one, `port`).
  static bool is_own_host(const std::string& host, int port);

 private:
  // `largest`: the most a request of its route may send.
  bool allowed(const httplib::Request& request, httplib::Response& response, bool changes, std::size_t largest) const;
  // The kind of the document at `path`: as the site read it, else from its place.
  std::optional<Kind> kind_of(const std::string& path);
  void start_page(const httplib::Request& request, httplib::Response& response, const std::string& error = {},
                  const std::string& error_field = {});
  void edit_page(const std::string& path, const httplib::Request& request, httplib::Response& response);
  void create(const httplib::Request& request, httplib::Response& response);
  void check(const httplib::Request& request, httplib::Response& response);
  void save(const httplib::Request& request, httplib::Response& response, bool publish);
  // The way back (editor_versions.cpp): recent changes, a document's versions (after a restore or a
  // withdrawal, with what was `done` or the `problem`), a version restored, a page withdrawn.
  void changes_page(httplib::Response& response);
  void version_page(const std::string& path, const std::string& commit, httplib::Response& response,
                    const std::string& done, const std::string& problem);
  void restore(const httplib::Request& request, httplib::Response& response);
  void withdraw(const httplib::Request& request, httplib::Response& response);
  // Links by picking (editor_links.cpp): the documents matching ?q=, or the `@/` link for ?address=.
  void find_pages(const httplib::Request& request, httplib::Response& response);
  // Pictures (editor_pictures.cpp): one uploaded beside a document, one deleted when nothing shows it.
  void upload_picture(const httplib::Request& request, httplib::Response& response);
  void delete_picture(const httplib::Request& request, httplib::Response& response);

  // Site settings (editor_settings.cpp): the contact details in site.toml, shown (after a save or publish,
  // with what was `done`), saved or published.
  void settings_page(const httplib::Request& request, httplib::Response& response);
  void show_settings(const SettingsForm& form, const std::string& done, int status, httplib::Response& response);
  void save_settings(const httplib::Request& request, httplib::Response& response);

  struct Change;  // a save or publish as asked (editor_saving.cpp)

  // The `path` of a request that is about a content file, when the editor may edit it; nullopt, answered 404, when not.
  std::optional<std::string> requested_path(const httplib::Request& request, httplib::Response& response) const;

  // The team editor (editor_team.cpp). The person the front signed in, on the team; nullptr when not.
  [[nodiscard]] const Person* signed_in(const httplib::Request& request) const;
  // Whether the signed-in person may ask for `route`; answered when not.
  bool team_allows(const httplib::Request& request, httplib::Response& response, const std::string& route, bool post);
  // Who a commit asked for by `request` is recorded as: the signed-in person; git's user on one's own computer.
  [[nodiscard]] std::optional<CommitAuthor> author_of(const httplib::Request& request) const;
  // Send for review, approve or send back (`action`), then back to the document's page.
  void review(const httplib::Request& request, httplib::Response& response, const std::string& action);
  // Tells `author` by e-mail (when the server has a relay) that `reviewer` approved `path` or sent it back.
  void tell_author(const std::string& author, const Person& reviewer, const std::string& path, bool approved,
                   const std::string& comment);
  // The document's review, as its page shows it to the signed-in person; false outside the team editor.
  mstch::node review_section(const std::string& path, const std::string& raw, const httplib::Request& request);
  // Who last changed each document and its review, for the start page's lists; empty outside the team editor.
  void team_start_page(const httplib::Request& request, mstch::map& context);
  // Records a save or publish of `path` by the signed-in person.
  void record_change(const std::string& user, const std::string& path, const std::string& what,
                     const std::string& detail);
  // Whether the review policy lets the document at `path` be published, the file being `raw` and its text
  // `disk` (normalised) and the text asked for `text`; answered when not.
  bool review_allows(const std::string& path, const std::string& raw, const std::string& disk, const std::string& text,
                     httplib::Response& response) const;
  // After `user`'s publish of `path` was committed: the site built from it into the served folder and the page
  // fetched from the public address; what came of it added to the answer `out`.
  void go_live_now(const std::string& user, const std::string& path, toml::table& out);
  // The bulletin at `path` by e-mail (editor_mail.cpp): "Send me a test", or to the list once published;
  // then back to its page, saying what came of it.
  void send_mail_of(const httplib::Request& request, httplib::Response& response, bool to_list);
  // The e-mail section's sending, as the bulletin's page shows it to the signed-in person; false without [mail].
  mstch::node mail_section(const std::string& path, const std::string& state, const httplib::Request& request);
  // "Publish at" (editor_schedule.cpp): the saved document scheduled, or its schedule cancelled.
  void schedule(const httplib::Request& request, httplib::Response& response);
  void unschedule(const httplib::Request& request, httplib::Response& response);
  // The publish section's "Publish at" for a publisher; false otherwise.
  mstch::node schedule_section(const std::string& path, const httplib::Request& request);
  // After a commit the signed-in person asked for that is not a publish (a restore, a withdrawal, the settings, a
  // picture deleted): recorded as `what` in the log and, on the team editor, put online; the words saying where it
  // is live, or why not yet. Empty outside the team editor.
  std::string recorded_and_live(const httplib::Request& request, const std::string& path, const std::string& what);
  // "Try again": what is committed put online again (after a push refused, or a build that failed).
  void retry_going_live(const httplib::Request& request, httplib::Response& response);

  // A document's state as the preview's last build has it, and its page's address.
  std::pair<std::string, std::string> state_and_address(const std::string& path);

  // The steps of a save or publish (editor_saving.cpp), in order. A step
  // that stops it has answered the request, and says so by what it returns.
  // The request read and validated: nothing refuses it.
  std::optional<Change> read_change(const httplib::Request& request, httplib::Response& response,
                                    const std::string& path, bool publish);
  // Whether the file changed elsewhere since the form opened in a way that stops the save: a form
  // changed in other fields is merged into `change` instead (editor_merge.h).
  bool conflicted(const httplib::Request& request, Change& change, httplib::Response& response);
  // The file written (for a publish, without its draft mark): the bytes it now has.
  std::optional<std::string> write(Change& change, httplib::Response& response);
  // Whether the whole site, as it will be published, checks clean; when not,
  // the file is put back as typed.
  bool checked(const Change& change, httplib::Response& response);
  // The file, and the files it shows, committed.
  void commit(const Change& change, const std::string& bytes, httplib::Response& response);

  EditorHost& host_;
  Team* team_;
  std::filesystem::path source_;
  SourceDir source_dir_;  // held open: every file is reached from it, never by its path again
  int jobs_;
  int port_ = 0;
  std::string secret_;
  std::mutex writing_;  // one save or publish at a time: each checks the file, then writes it
};

}  // namespace portal
