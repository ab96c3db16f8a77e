// Content screening, one rule family of the gate (policy/gate.h asks it; docs/POLICY.md lists every rule):
// links (links.h), sensitive data (sensitive_data.h), the SHAFT, hate, harassment and obscenity lexicons
// (data/lexicon_*.txt), impersonation (impersonation.h) and, for email with a spamd configured, the
// SpamAssassin score (spamd_client.h). Pure: no network except the configured local spamd, no state but the
// blocklist file it watches. Safe for concurrent use.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "policy/content/blocklist.h"
#include "policy/content/spamd_client.h"
#include "policy/content/verdict.h"

namespace tocsin::policy::content {

struct Content {
  bool sms = false;
  std::string_view from_name;  // email display name (empty for texts)
  std::string_view subject;    // email
  std::string_view body;       // UTF-8 text, or HTML for email (tags are skipped for words, read for links)
  bool html = false;
  std::string_view from_address = {};  // email: the From address (for the spam score's composed message)
};

// What the organization has been verified or registered for (org settings, set by the platform operator).
struct OrgContext {
  const std::set<std::string>* own_domains = nullptr;        // verified sending/link domains, lower-case
  const std::set<std::string>* verified_entities = nullptr;  // ids of data/entities.txt
  // SHAFT categories ("alcohol", "firearms", "tobacco", "cannabis", "sex") the sender is registered for with
  // age gating: their terms warn instead of holding.
  const std::set<std::string>* age_gated = nullptr;
};

class Screener {
 public:
  // `blocklist` may be null (no local list).
  // `spamd`: when set, email content is also scored by SpamAssassin (spamd_client.h); a score at or over
  // spamd's threshold holds the message (`spam_score`, with the rules that fired); spamd unreachable warns.
  explicit Screener(std::shared_ptr<const BlocklistFile> blocklist = nullptr,
                    std::optional<SpamdAddress> spamd = std::nullopt)
      : blocklist_(std::move(blocklist)), spamd_(std::move(spamd)) {}

  Screening screen(const Content& c, const OrgContext& org) const;
  // Changes when a verdict could change for the same input (the blocklist was reloaded).
  uint64_t generation() const { return blocklist_ ? blocklist_->generation() : 0; }

 private:
  void score_spam(const Content& c, Screening& out) const;
  std::shared_ptr<const BlocklistFile> blocklist_;
  std::optional<SpamdAddress> spamd_;
};

// `html` with every tag replaced by spaces (same length, so spans stay exact) and the text of <script> and
// <style> blanked too.
std::string blank_tags(std::string_view html);

}  // namespace tocsin::policy::content
