// One verification of a sending domain (DKIM key published, SPF, DMARC presence and alignment;
// email/sender_auth.h) applied to its document: the one function behind `tocsin domain verify`
// (app/messaging_commands.cc) and the server's periodic re-check (app/domain_recheck.h), so a verdict means
// the same whoever asked for it.
#pragma once

#include <string>

#include "core/clock.h"
#include "email/sender_auth.h"
#include "messaging/settings.h"

namespace tocsin::messaging {

struct DomainAuthOutcome {
  email::SenderAuthReport report;
  // What changed for the gate: verified or not, and the DMARC verdict ("" when neither did), e.g.
  // "verified yes -> no; dmarc monitor -> missing".
  std::string change;
};

// Asks DNS (a handful of lookups) about `d`'s key, SPF and DMARC. `envelope_domain` is the bounce
// addresses' domain ([email] mail_domain).
email::SenderAuthReport ask_domain_auth(const email::DnsChecker& dns, const SendingDomain& d,
                                        const std::string& envelope_domain);

// Applies an answer to `d` and returns what changed (DomainAuthOutcome::change): a DKIM record that was
// found verifies it, one removed or replaced un-verifies it, a DNS failure changes nothing; likewise a DMARC
// lookup that failed keeps the previous verdict. Separate from the asking so the server can apply the answer
// to the document as stored when the answer came (app/domain_recheck.h), not to the copy it asked about.
std::string apply_domain_auth(const email::SenderAuthReport& report, SendingDomain& d, Micros now);

// Both, for `tocsin domain verify`.
DomainAuthOutcome check_domain_auth(const email::DnsChecker& dns, SendingDomain& d,
                                    const std::string& envelope_domain, Micros now);

}  // namespace tocsin::messaging
