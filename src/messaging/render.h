// Rendering: a message's templates filled in for one recipient.
//
// Templates are Mustache (mstch): merge fields are {{given_name}}, {{family_name}}, {{email}},
// {{postal_code}}, {{locality}}, {{region}} and {{custom.<field>}}; a default is written with Mustache's
// inverted section, e.g. "Hi {{given_name}}{{^given_name}}friend{{/given_name}}". Values are HTML-escaped in
// email HTML ({{{x}}} would not be: it is refused at save time, see check_template) and inserted as they are
// in texts. Email gets the wrapper's header and footer around the body, then the mandatory footer (postal
// address and unsubscribe link, CAN-SPAM EM-2/EM-3), and a plain-text alternative derived from the HTML.
// Texts get the program name in front when missing (SMS-X1) and opt-out instructions on the first text a
// recipient gets (SMS-X2).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/person.h"
#include "core/result.h"

namespace tocsin::messaging {

// Merge values of one person.
struct MergeValues {
  std::map<std::string, std::string> fields;  // given_name, family_name, email, ..., custom.<name>
};
MergeValues merge_values(const Person& p);

// 422 when a template does not parse or uses unescaped ({{{ }}} or {{& }}) fields in HTML.
Status check_template(std::string_view text, bool html);

struct EmailParts {
  std::string subject, html, text;
};

struct EmailFrame {
  std::string wrapper_header, wrapper_footer;  // HTML, from the message's wrapper (may be empty)
  std::string postal_address;
  std::string unsubscribe_url;
  std::string preferences_url;  // the recipient's own page (web/preference_center.h); empty: no link
  // Open and click tracking (messaging/link_tracking.h add_tracking), when the organization has it on: the
  // links of the body and wrapper go through track_link (the footer's unsubscribe link never does) and
  // open_pixel_url is appended as a 1x1 image. Unset/empty: no tracking.
  std::function<std::optional<std::string>(const std::string& url)> track_link;
  std::string open_pixel_url;
};

EmailParts render_email(const std::string& subject, const std::string& body_html, const EmailFrame& frame,
                        const MergeValues& values);

// The text as it will be sent: merge fields filled, brand prefixed when absent, opt-out instructions
// appended when `first_text`.
std::string render_sms(const std::string& body, const std::string& brand, bool first_text,
                       const MergeValues& values);

// An attribute value with the character references a URL plausibly carries decoded (&amp; &#38; &quot;
// &#34; &#39; &lt; &gt;), as a browser reads it.
std::string decode_html_attribute(std::string_view value);

// A plain-text rendering of simple HTML (paragraphs, line breaks, links as "text (url)" with the URL as a
// browser would follow it, entities).
std::string html_to_text(std::string_view html);

}  // namespace tocsin::messaging
