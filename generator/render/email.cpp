#include "email.h"

#include <mstch/mstch.hpp>

#include "markdown.h"
#include "text.h"

namespace portal {

namespace {

// An element's inline style in the e-mail, and the attributes it takes beside it.
struct EmailStyle {
  std::string tag, style;
  std::string attributes = {};
};

// The theme's colours and type, as inline styles.
const std::vector<EmailStyle>& email_styles() {
  static const std::vector<EmailStyle> styles = {
      {"h2", "font-family:Arial,Helvetica,sans-serif;font-size:24px;line-height:1.25;color:#0b0c0c;margin:30px 0 15px"},
      {"h3", "font-family:Arial,Helvetica,sans-serif;font-size:20px;line-height:1.3;color:#0b0c0c;margin:25px 0 10px"},
      {"h4", "font-family:Arial,Helvetica,sans-serif;font-size:19px;color:#0b0c0c;margin:20px 0 10px"},
      {"p", "font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.5;color:#0b0c0c;margin:0 0 20px"},
      {"ul",
       "font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.5;color:#0b0c0c;margin:0 0 "
       "20px;padding-left:25px"},
      {"ol",
       "font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.5;color:#0b0c0c;margin:0 0 "
       "20px;padding-left:25px"},
      {"li", "margin:0 0 5px"},
      {"a", "color:#1d70b8;text-decoration:underline;overflow-wrap:anywhere;word-break:break-word"},
      {"table",
       "border-collapse:collapse;width:100%;margin:0 0 20px;font-family:Arial,Helvetica,sans-serif;font-size:16px"},
      {"th", "text-align:left;border-bottom:2px solid #b1b4b6;padding:8px 10px 8px 0"},
      {"td", "text-align:left;border-bottom:1px solid #b1b4b6;padding:8px 10px 8px 0;vertical-align:top"},
      {"blockquote", "margin:0 0 20px;padding:0 0 0 15px;border-left:5px solid #b1b4b6"},
      // The message is 600 px wide with 20 px either side: a picture fills the 560 between, never more.
      // Outlook on Windows reads the width attribute alone, the rest read the style.
      {"img", "display:block;width:100%;max-width:560px;height:auto;border:0", " width=\"560\""},
  };
  return styles;
}

}  // namespace

std::string inline_email_styles(std::string html) {
  std::string out;
  out.reserve(html.size() * 2);
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] == '<' && i + 1 < html.size() && html[i + 1] != '/') {
      bool styled = false;
      for (const auto& [tag, style, attributes] : email_styles()) {
        const std::size_t n = tag.size();
        if (html.compare(i + 1, n, tag) == 0 && i + 1 + n < html.size() &&
            (html[i + 1 + n] == '>' || html[i + 1 + n] == ' ')) {
          out += "<" + tag + " style=\"" + style + "\"" + attributes;
          i += 1 + n;
          styled = true;
          break;
        }
      }
      if (styled) continue;
    }
    out += html[i++];
  }
  return out;
}

std::vector<RenderedFile> render_bulletin_copies(const Site& site, const Theme& theme) {
  std::vector<RenderedFile> out;
  for (std::size_t i = 0; i < site.size(); ++i) {
    const Document& d = site.document(i);
    if (d.kind != Kind::bulletin || !site.published(i)) continue;
    const std::string web = site.config.base_url + text::encode_url_path(d.url.substr(1));
    MarkdownOptions mo = site.markdown_options(d);
    mo.absolute_base = site.config.base_url;
    const std::string body = inline_email_styles(render_markdown(d.body, mo).html);

    mstch::map ctx{{"lang", site.config.language},
                   {"site_title", site.config.title},
                   {"partnership", site.config.partnership},
                   {"title", d.title.value},
                   {"date", d.date ? d.date->long_form() : std::string()},
                   {"summary", d.summary},
                   {"body", body},
                   {"web_url", web},
                   {"site_url", site.config.base_url},
                   {"contact_email", site.config.contact_email},
                   {"contact_phone", site.config.contact_phone}};
    out.push_back({d.url.substr(1) + "email.html", theme.render("email", ctx)});

    // Every line of the text copy wraps at 72 columns, as the body does.
    const std::string title = text::wrap(d.title.value, 72);
    std::size_t longest = 0;
    for (std::size_t start = 0; start <= title.size();) {
      const auto end = title.find('\n', start);
      longest =
          std::max(longest, text::display_width(title.substr(start, end == std::string::npos ? end : end - start)));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    std::string txt = title + "\n" + std::string(longest, '=') + "\n\n";
    if (d.date) txt += d.date->long_form() + "\n\n";
    if (!d.summary.empty()) txt += text::wrap(d.summary, 72) + "\n\n";
    txt += render_plain_text(d.body, mo, 72);
    if (!txt.ends_with('\n')) txt += '\n';
    txt += "\nRead this bulletin online: " + web + "\n";
    txt += site.config.partnership + ": " + site.config.base_url + "\n";
    if (!site.config.contact_email.empty()) txt += "Contact: " + site.config.contact_email + "\n";
    out.push_back({d.url.substr(1) + "bulletin.txt", text::strip_controls(txt)});
  }
  return out;
}

}  // namespace portal
