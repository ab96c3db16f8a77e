#include "messaging/domain_auth_check.h"

namespace tocsin::messaging {

email::SenderAuthReport ask_domain_auth(const email::DnsChecker& dns, const SendingDomain& d,
                                        const std::string& envelope_domain) {
  return email::check_sender_auth(dns,
                                  {d.domain, d.dkim_domain, d.selector, d.public_key_b64, envelope_domain});
}

std::string apply_domain_auth(const email::SenderAuthReport& report, SendingDomain& d, Micros now) {
  const auto& check = report.dkim;
  const bool was_verified = d.verified_at > 0;
  const std::string was_dmarc = d.dmarc_state;
  d.last_check = check.sentence;
  if (check.outcome == email::DnsCheck::Outcome::kVerified)
    d.verified_at = now;
  else if (check.outcome != email::DnsCheck::Outcome::kError)
    d.verified_at = 0;
  if (report.dmarc != email::DmarcState::kError) {
    d.dmarc_state = std::string(email::dmarc_state_name(report.dmarc));
    d.dmarc_sentence = report.dmarc_sentence;
    d.auth_checks = report.checks;
    d.auth_checked_at = now;
  }
  std::string change;
  const bool verified = d.verified_at > 0;
  if (verified != was_verified)
    change = std::string("verified ") + (was_verified ? "yes" : "no") + " -> " + (verified ? "yes" : "no");
  if (d.dmarc_state != was_dmarc)
    change += (change.empty() ? "" : "; ") + std::string("dmarc ") +
              (was_dmarc.empty() ? "unchecked" : was_dmarc) + " -> " + d.dmarc_state;
  return change;
}

DomainAuthOutcome check_domain_auth(const email::DnsChecker& dns, SendingDomain& d,
                                    const std::string& envelope_domain, Micros now) {
  DomainAuthOutcome out;
  out.report = ask_domain_auth(dns, d, envelope_domain);
  out.change = apply_domain_auth(out.report, d, now);
  return out;
}

}  // namespace tocsin::messaging
