// The team editor sends a bulletin by e-mail: a test to the signed-in person
// as it is now, and once it is published, to the list's address, confirmed
// by naming it. What was sent, when and by whom is in the audit log and on
// the bulletin's page.
#include <chrono>

#include <httplib.h>

#include "editor.h"
#include "editor_requests.h"
#include "front_matter_edit.h"
#include "team_mail.h"
#include "text.h"

namespace portal {

void Editor::send_mail_of(const httplib::Request& req, httplib::Response& res, bool to_list) {
  const Person& person = *signed_in(req);
  const std::string path = param(req, "path");
  if (const auto editable = check_content_path(source_, path); !editable)
    return reply_refusal(res, 404, editable.error());
  const auto [state, address] = state_and_address(path);
  std::string title = path;
  host_.with_site([&, &p = path](Site* site, const Theme*, const History*) {
    if (site && site->by_path.count(p)) title = site->document(site->by_path.at(p)).title.value;
  });
  const auto html = host_.built_file(address.substr(1) + "email.html");
  const auto plain = host_.built_file(address.substr(1) + "bulletin.txt");
  std::string done, problem;
  const MailConfig* mail = team_->config.mail ? &*team_->config.mail : nullptr;
  if (!mail) {
    problem = "The editor has no mail relay to send with: ask whoever runs it to add [mail] to its configuration.";
  } else if (!html || !plain) {
    problem = "It has no e-mail copy yet: correct the problems the page shows, then save it.";
  } else if (to_list && !state.starts_with("Published")) {
    problem = "Publish it before you send it to the list: the list gets what the public site shows.";
  } else if (to_list && param(req, "confirm") != mail->list) {
    problem = "Tick the box that names the list, to confirm who it goes to.";
  } else {
    MailMessage m{to_list ? mail->list : person.email, (to_list ? "" : "Test: ") + title, *html, *plain,
                  to_list ? mail->list_unsubscribe : std::string()};
    if (const auto sent = send_mail(*mail, m); !sent) {
      problem = "It was not sent: " + sent.error() + ".";
    } else {
      done = (to_list ? "Sent to " + mail->list : "A test is sent to you, " + person.email) + ", by " + person.name +
             " on " + readable_stamp(utc_stamp(std::chrono::system_clock::now())) + ".";
      (void)team_->audit.record(person.user, to_list ? "send to list" : "send test", path + " to " + m.to);
      if (to_list) (void)team_->documents.update(path, [&](DocumentState& s) { s.sent = done; });
    }
  }
  res.status = 303;
  res.set_header("Location", address_of(path) + "?" + (done.empty() ? "mail_problem=" : "mail_done=") +
                                 text::encode_query_value(done.empty() ? problem : done) + "#mail");
}

mstch::node Editor::mail_section(const std::string& path, const std::string& state, const httplib::Request& req) {
  if (!team_ || !team_->config.mail) return false;
  const Person* person = signed_in(req);
  const MailConfig& mail = *team_->config.mail;
  return mstch::map{{"path", path},
                    {"secret", secret_},
                    {"me", person ? person->email : std::string()},
                    {"list", mail.list},
                    {"count", mail.list_count > 0 ? std::to_string(mail.list_count) : std::string()},
                    {"published", state.starts_with("Published")},
                    {"may_send_list", person && may(*person, Role::publisher)},
                    {"done", param(req, "mail_done")},
                    {"problem", param(req, "mail_problem")},
                    {"sent", team_->documents.of(path).sent}};
}

}  // namespace portal
