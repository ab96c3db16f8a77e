#include "oversight/org_standing.h"

#include "core/clock.h"
#include "core/text.h"

namespace tocsin::oversight {

Result<messaging::Settings> stored_settings(store::Store& store, const std::string& org_id) {
  auto doc = store.org_doc(org_id, messaging::kSettingsKind, "settings");
  if (!doc) return doc.error();
  if (!doc.value()) return messaging::Settings{};
  return messaging::decode_settings(doc.value()->doc);
}

Result<StandingOutcome> change_standing(store::Store& store, staff::AuditLog& log, const StandingChange& c) {
  const std::string reason(trim_ascii_space(c.reason));
  if (reason.empty()) return bad_request("a reason is required: it is kept in the audit");
  if (reason.size() > 500) return bad_request("the reason is over 500 bytes");
  auto loaded = stored_settings(store, c.org_id);
  if (!loaded) return loaded.error();
  messaging::Settings s = std::move(loaded).value();
  Micros now = now_micros();
  std::string action, target;
  switch (c.verb) {
    case StandingVerb::kTrust:
    case StandingVerb::kUntrust:
      action = c.verb == StandingVerb::kTrust ? "org.trust" : "org.untrust";
      target = "org:" + c.org_id + " (reason: " + reason + ")";
      s.trusted = c.verb == StandingVerb::kTrust;
      s.trusted_reason = s.trusted ? reason : "";
      s.trusted_at = s.trusted ? now : 0;
      break;
    case StandingVerb::kResumeEmail:
    case StandingVerb::kResumeTexts: {
      bool email = c.verb == StandingVerb::kResumeEmail;
      if (!(email ? s.bulk_email_paused : s.bulk_texts_paused))
        return bad_request("the organization's " + std::string(email ? "bulk email" : "text blasts") +
                           " are not paused");
      action = "org.resume";
      // The figures that paused it stay on record in the audit.
      target = "org:" + c.org_id + " " + (email ? "email" : "sms") +
               " (paused: " + (email ? s.bulk_email_paused_reason : s.bulk_texts_paused_reason) +
               "; reason: " + reason + ")";
      if (email) {
        s.bulk_email_paused = false;
        s.bulk_email_paused_reason.clear();
        s.bulk_email_paused_at = 0;
      } else {
        s.bulk_texts_paused = false;
        s.bulk_texts_paused_reason.clear();
        s.bulk_texts_paused_at = 0;
      }
      break;
    }
  }
  // The audit first: a change that took effect is always on record.
  if (auto a = log.record({c.org_id, c.actor, action, target, c.ip, now}); !a) return a.error();
  if (auto w = store.put_doc_outside(c.org_id, store::OrgDoc{std::string(messaging::kSettingsKind),
                                                             "settings", messaging::encode_settings(s)});
      !w)
    return w.error();
  return StandingOutcome{std::move(s), std::move(action)};
}

}  // namespace tocsin::oversight
