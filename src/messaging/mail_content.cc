#include "messaging/mail_content.h"

#include "actions/action.h"
#include "people/directory.h"

namespace tocsin::messaging {

MailContent mail_content_of(const people::OrgState& org, const Message& m) {
  MailContent c;
  c.subject = m.subject;
  c.body_html = m.body;
  c.from_address = m.sender_address();
  c.from_name = m.from;
  c.reply_to = m.reply_to;
  if (!m.wrapper_id.empty())
    if (const auto* w = org.actions.find_action("wrappers", m.wrapper_id)) {
      c.wrapper_header = actions::string_field(w->fields, "header").value_or("");
      c.wrapper_footer = actions::string_field(w->fields, "footer").value_or("");
    }
  c.postal_address = org.messaging.settings().postal_address;
  c.tracking = tracking_enabled(org.messaging.settings(), org.org.gdpr_applies);
  return c;
}

}  // namespace tocsin::messaging
