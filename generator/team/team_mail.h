// The bulletin by e-mail from the team editor: its HTML and plain-text
// copies as one multipart message (libcurl's MIME), sent through the
// organisation's SMTP relay. The portal keeps no list of subscribers: a
// bulletin goes to the list's address, which the organisation's mail system
// expands, with the List-Unsubscribe header that system asks for.
#pragma once

#include <string>

#include "result.h"
#include "team_config.h"

namespace portal {

struct MailMessage {
  std::string to;
  std::string subject;
  std::string html, text;
  std::string list_unsubscribe;  // the header's value, for a send to the list; empty for a test
};

// A header's value as RFC 2047 encoded words when it is not plain ASCII.
std::string encoded_header(const std::string& value);

// Sends `message` through `mail`'s relay from its sender; fails saying what the relay answered.
Done send_mail(const MailConfig& mail, const MailMessage& message);

}  // namespace portal
