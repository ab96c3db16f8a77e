// The bulk-sender checks of a sending domain (Gmail's and Yahoo's 2024 rules, Microsoft's 2025 ones;
// compliance-rules EM-G2, EM-Y1, EM-M1; RFC 7489): is tocsin's DKIM key published, does the domain publish
// SPF, does it publish a DMARC record (at _dmarc.<domain>, else at its organizational domain), and does that
// record's alignment mode accept the DKIM domain (d=) tocsin signs with or the envelope sender's domain?
//
// Contract: check_sender_auth asks the resolver for the TXT records (a handful of lookups, never per
// message: the caller stores the answer, see messaging::SendingDomain) and answers one AuthCheck per
// question, each with the exact TXT record to publish or change when there is one and a sentence for the
// organization, plus the DMARC verdict the gate acts on:
//   kEnforced    a valid record with p=quarantine or p=reject (sp= for a subdomain) that aligns
//   kMonitor     the same with p=none: allowed (mailbox providers accept it) with a warning, since it asks
//                receivers to do nothing with mail that fails
//   kMissing     no DMARC record, several, or one that does not parse (RFC 7489 §6.6.3: treated as none)
//   kMisaligned  a record whose adkim/aspf mode aligns neither d= nor the envelope domain with From
//   kError       DNS did not answer: nothing is concluded (keep the previous verdict)
// DKIM passes (the key is published) before its alignment means anything; SPF alignment counts only when
// the envelope domain publishes SPF at all (tocsin cannot see which addresses the relay sends from).
//
// Records are parsed by libopendmarc (the Trusted Domain Project's parser: p, sp, adkim, aspf, pct, rua),
// organizational domains come from the Public Suffix List through libpsl (Debian's publicsuffix file).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "email/dkim_dns_check.h"

namespace tocsin::email {

struct AuthCheck {
  std::string name;         // "dkim" | "spf" | "dmarc" | "alignment"
  std::string outcome;      // "pass" | "warn" | "fail" | "error"
  std::string record_name;  // the TXT record to publish or change ("" when nothing is to be done)
  std::string record_value;
  std::string sentence;
};

enum class DmarcState { kEnforced, kMonitor, kMissing, kMisaligned, kError };
std::string_view dmarc_state_name(
    DmarcState s);  // "enforced" | "monitor" | "missing" | "misaligned" | "error"

struct SenderAuthInput {
  std::string from_domain;      // the sending domain: the From addresses' domain
  std::string dkim_domain;      // d= of tocsin's signature ("" = from_domain)
  std::string selector;         // s=
  std::string public_key_b64;   // the key tocsin signs with
  std::string envelope_domain;  // the bounce address's domain ([email] mail_domain)
};

struct SenderAuthReport {
  DnsCheck dkim;  // as check_dkim answered: the domain's verification
  DmarcState dmarc = DmarcState::kError;
  std::string dmarc_sentence;     // why, for the gate's refusal and the organization
  std::vector<AuthCheck> checks;  // dkim, spf, dmarc, alignment, in that order
};

SenderAuthReport check_sender_auth(const DnsChecker& dns, const SenderAuthInput& in);

}  // namespace tocsin::email
