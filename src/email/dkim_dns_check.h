// Sending-domain DNS verification: is the DKIM key tocsin generated published where receivers will look,
// and does the domain's SPF record include the relay? Resolved with libunbound.
//
// Contract: check_dkim(domain, selector, public_base64) looks up the TXT record at
// <selector>._domainkey.<domain> and answers kVerified when a DKIM record there carries exactly that public
// key (p=, whitespace ignored), kNotFound when there is no such name or no DKIM record at it, kMismatch when
// the record carries another key or a revoked (empty) one, kError when DNS did not answer (the check can be
// repeated). check_spf(domain, include) looks for "include:<include>" in the domain's v=spf1 TXT record; it
// is reported, never required. Every answer comes with a sentence for the organization that says what was
// found and what to publish.
//
// The resolver is the system's (/etc/resolv.conf) unless `forwarder` names one ("127.0.0.1@5353": the
// tests' local DNS server). A DnsChecker is safe for concurrent use (libunbound contexts are thread-safe).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct ub_ctx;

namespace tocsin::email {

struct DnsCheck {
  enum class Outcome { kVerified, kNotFound, kMismatch, kError } outcome;
  std::string sentence;
};
std::string_view dns_outcome_name(DnsCheck::Outcome o);  // "verified", "not_found", "mismatch", "error"

class DnsChecker {
 public:
  static Result<DnsChecker> make(const std::string& forwarder = "");
  DnsChecker(DnsChecker&&) noexcept;
  DnsChecker& operator=(DnsChecker&&) noexcept;
  ~DnsChecker();

  DnsCheck check_dkim(const std::string& domain, const std::string& selector,
                      const std::string& public_base64) const;
  DnsCheck check_spf(const std::string& domain, const std::string& include) const;

  // The TXT records at `name`, each with its character-strings joined. `answered` false: a DNS failure
  // (SERVFAIL, timeout, no resolver), said in `failure`; NXDOMAIN and no data are answers without records.
  struct Lookup {
    bool answered = false;
    std::string failure;
    std::vector<std::string> records;
  };
  Lookup txt(const std::string& name) const;

 private:
  explicit DnsChecker(ub_ctx* ctx) : ctx_(ctx) {}
  ub_ctx* ctx_ = nullptr;
};

}  // namespace tocsin::email
