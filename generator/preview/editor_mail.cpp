// The team editor sends a bulletin by e-mail: a test to the signed-in person
// as it is now, and once it is published, to the list's address, confirmed
// by naming it. What was sent, when and by whom is in the audit log and on
// the bulletin's page.
#include <chrono>
#include <map>

#include <httplib.h>

#include "editor.h"
#include "editor_requests.h"
#include "front_matter_edit.h"
#include "team_mail.h"
#include "text.h"

namespace portal {

void Editor::send_mail_of(const httplib::Request& req, httplib::Response& res, bool to_list) {
  const Person& person = *signed_in(req);
  const auto asked = requested_path(req, res);
  if (!asked) return;
  const std::string& path = *asked;
  const auto [state, address] = state_and_address(path);
  std::string title = path;
  host_.with_site([&, &p = path](Site* site, const Theme*, const History*) {
    if (site && site->by_path.count(p)) title = site->document(site->by_path.at(p)).title.value;
  });
  const auto html = host_.built_file(address.substr(1) + "email.html");
  const auto plain = host_.built_file(address.substr(1) + "bulletin.txt");
  std::string outcome;  // a code of mail_outcomes()
  const MailConfig* mail = team_->config.mail ? &*team_->config.mail : nullptr;
  if (!mail) {
    outcome = "no-relay";
  } else if (!html || !plain) {
    outcome = "no-copy";
  } else if (to_list && !state.starts_with("Published")) {
    outcome = "not-published";
  } else if (to_list && param(req, "confirm") != mail->list) {
    outcome = "not-confirmed";
  } else {
    MailMessage m{to_list ? mail->list : person.email, (to_list ? "" : "Test: ") + title, *html, *plain,
                  to_list ? mail->list_unsubscribe : std::string()};
    if (const auto sent = send_mail(*mail, m); !sent) {
      outcome = "failed";
      (void)team_->audit.record(person.user, "not sent", path + " to " + m.to + ": " + sent.error());
    } else {
      outcome = to_list ? "list-sent" : "test-sent";
      (void)team_->audit.record(person.user, to_list ? "send to list" : "send test", path + " to " + m.to);
      if (to_list)
        (void)team_->documents.update(path, [&](DocumentState& s) {
          s.sent = "Sent to " + mail->list + ", by " + person.name + " on " +
                   readable_stamp(utc_stamp(std::chrono::system_clock::now())) + ".";
        });
    }
  }
  res.status = 303;
  res.set_header("Location", address_of(path) + "?mail=" + outcome + "#mail");
}

namespace {

// What came of a send, by the code the bulletin's page is sent back with (its words never come from the address):
// whether it was sent, and the words.
std::pair<bool, std::string> mail_outcome(const std::string& code, const Person* person, const DocumentState& s) {
  if (code == "test-sent") return {true, "A test is sent to you, " + (person ? person->email : "") + "."};
  if (code == "list-sent") return {true, s.sent};
  static const std::map<std::string, std::string> problems{
      {"no-relay",
       "The editor has no mail relay to send with: ask whoever runs it to add [mail] to its configuration."},
      {"no-copy", "It has no e-mail copy yet: correct the problems the page shows, then save it."},
      {"not-published", "Publish it before you send it to the list: the list gets what the public site shows."},
      {"not-confirmed", "Tick the box that names the list, to confirm who it goes to."},
      {"failed", "It was not sent: the mail relay did not take it. The audit log says why; try again later."}};
  const auto found = problems.find(code);
  return {false, found == problems.end() ? std::string() : found->second};
}

}  // namespace

mstch::node Editor::mail_section(const std::string& path, const std::string& state, const httplib::Request& req) {
  if (!team_ || !team_->config.mail) return false;
  const Person* person = signed_in(req);
  const MailConfig& mail = *team_->config.mail;
  const auto outcome = mail_outcome(param(req, "mail"), person, team_->documents.of(path));
  return mstch::map{{"path", path},
                    {"secret", secret_},
                    {"me", person ? person->email : std::string()},
                    {"list", mail.list},
                    {"count", mail.list_count > 0 ? std::to_string(mail.list_count) : std::string()},
                    {"published", state.starts_with("Published")},
                    {"may_send_list", person && may(*person, Role::publisher)},
                    {"done", outcome.first ? outcome.second : std::string()},
                    {"problem", outcome.first ? std::string() : outcome.second},
                    {"sent", team_->documents.of(path).sent}};
}

}  // namespace portal
