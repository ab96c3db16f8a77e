// What a message's email says, whoever it goes to (MailContent, messaging/compose.h), read from the
// organization's serving state: the message's subject, body and sender, its wrapper's header and footer,
// the organization's postal address and whether tracking is on. The dispatcher takes it once per blast; the
// console's preview renders it for a sample supporter — so the preview shows what the blast sends.
#pragma once

#include "messaging/compose.h"
#include "messaging/message.h"

namespace tocsin::people {
class OrgState;
}

namespace tocsin::messaging {

// The caller holds `org.mu` (shared is enough).
MailContent mail_content_of(const people::OrgState& org, const Message& m);

}  // namespace tocsin::messaging
