// One multipart message built by libcurl's MIME API (each copy base64
// encoded by it) and sent over SMTP, with the headers a list needs.
#include "team_mail.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include "files.h"
#include "text.h"

namespace portal {

std::string encoded_header(const std::string& value) {
  const bool plain = std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (plain) return value;
  // RFC 2047 "Q" encoded words of at most 75 characters, folded onto lines of their own.
  static const char digits[] = "0123456789ABCDEF";
  std::string out, word;
  const auto flush = [&] {
    if (word.empty()) return;
    out += (out.empty() ? "" : "\r\n ") + std::string("=?UTF-8?Q?") + word + "?=";
    word.clear();
  };
  for (std::size_t i = 0; i < value.size();) {
    // A UTF-8 sequence is never split between two words.
    const auto lead = static_cast<unsigned char>(value[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::string piece;
    for (std::size_t j = i; j < std::min(i + length, value.size()); ++j) {
      const auto c = static_cast<unsigned char>(value[j]);
      if (std::isalnum(c))
        piece += static_cast<char>(c);
      else if (c == ' ')
        piece += '_';
      else if (c >= 0x20)
        piece += {'=', digits[c >> 4], digits[c & 15]};
    }
    if (word.size() + piece.size() > 60) flush();
    word += piece;
    i += length;
  }
  flush();
  return out;
}

namespace {

std::string mail_date() {
  const std::time_t t = std::time(nullptr);
  std::tm parts{};
  ::gmtime_r(&t, &parts);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[parts.tm_wday], parts.tm_mday,
                months[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec);
  return out;
}

std::string message_id(const std::string& from) {
  std::random_device device;
  return "<portal." + std::to_string(device()) + std::to_string(device()) + from.substr(from.find('@')) + ">";
}

struct Curl {
  CURL* easy = curl_easy_init();
  curl_mime* mime = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;
  ~Curl() {
    curl_slist_free_all(recipients);
    curl_slist_free_all(headers);
    curl_mime_free(mime);
    curl_easy_cleanup(easy);
  }
};

// Each copy a part of a multipart/alternative, the plain text first (the last is preferred).
curl_mime* alternatives(CURL* easy, const MailMessage& m) {
  curl_mime* alternative = curl_mime_init(easy);
  curl_mimepart* text_part = curl_mime_addpart(alternative);
  curl_mime_data(text_part, m.text.c_str(), CURL_ZERO_TERMINATED);
  curl_mime_type(text_part, "text/plain; charset=utf-8");
  curl_mime_encoder(text_part, "base64");
  curl_mimepart* html_part = curl_mime_addpart(alternative);
  curl_mime_data(html_part, m.html.c_str(), CURL_ZERO_TERMINATED);
  curl_mime_type(html_part, "text/html; charset=utf-8");
  curl_mime_encoder(html_part, "base64");
  return alternative;
}

}  // namespace

Done send_mail(const MailConfig& mail, const MailMessage& m) {
  for (const std::string* value : {&m.to, &m.subject, &m.list_unsubscribe})
    if (value->find_first_of("\r\n") != std::string::npos) return fail("a header of the e-mail holds a line break");
  Curl c;
  if (!c.easy) return fail("cannot start sending e-mail");
  c.mime = curl_mime_init(c.easy);
  curl_mimepart* body = curl_mime_addpart(c.mime);
  curl_mime_subparts(body, alternatives(c.easy, m));
  curl_mime_type(body, "multipart/alternative");
  for (const std::string& h : {"From: " + mail.from, "To: " + m.to, "Subject: " + encoded_header(m.subject),
                               "Date: " + mail_date(), "Message-ID: " + message_id(mail.from)})
    c.headers = curl_slist_append(c.headers, h.c_str());
  if (!m.list_unsubscribe.empty())
    c.headers = curl_slist_append(c.headers, ("List-Unsubscribe: " + m.list_unsubscribe).c_str());
  c.recipients = curl_slist_append(c.recipients, ("<" + m.to + ">").c_str());
  const std::string from = "<" + mail.from + ">";
  curl_easy_setopt(c.easy, CURLOPT_URL, mail.relay.c_str());
  curl_easy_setopt(c.easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c.easy, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c.easy, CURLOPT_MAIL_RCPT, c.recipients);
  curl_easy_setopt(c.easy, CURLOPT_HTTPHEADER, c.headers);
  curl_easy_setopt(c.easy, CURLOPT_MIMEPOST, c.mime);
  curl_easy_setopt(c.easy, CURLOPT_USE_SSL, mail.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE);
  curl_easy_setopt(c.easy, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c.easy, CURLOPT_NOSIGNAL, 1L);
  std::string password;
  if (!mail.user.empty()) {
    const auto read = read_file(mail.password_file);
    if (!read) return fail("cannot read the relay's password from " + mail.password_file.string());
    password = text::trim(*read);
    curl_easy_setopt(c.easy, CURLOPT_USERNAME, mail.user.c_str());
    curl_easy_setopt(c.easy, CURLOPT_PASSWORD, password.c_str());
  }
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c.easy, CURLOPT_ERRORBUFFER, error);
  if (const CURLcode code = curl_easy_perform(c.easy); code != CURLE_OK)
    return fail("the mail relay did not take it (" + std::string(*error ? error : curl_easy_strerror(code)) + ")");
  return {};
}

}  // namespace portal
