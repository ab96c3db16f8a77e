#include "oversight/sender_lever.h"

#include "core/clock.h"
#include "core/json_out.h"
#include "core/text.h"
#include "messaging/settings.h"

namespace tocsin::oversight {
namespace {

// The audit has no field of its own for the operator's words, so the reason rides in the target, after
// what was acted on (it is the operator's text about a sender, not personal data).
Status audit(staff::AuditLog& log, const LeverPull& p, Micros now) {
  std::string action = std::string(p.sms ? "sender." : "domain.") + (p.disable ? "disable" : "enable");
  std::string target = std::string(p.sms ? messaging::kSenderKind : messaging::kDomainKind) + ":" + p.name +
                       " (reason: " + p.reason + ")";
  return log.record({p.org_id, p.actor, action, target, p.ip, now});
}

std::string_view kind_of(const LeverPull& p) {
  return p.sms ? messaging::kSenderKind : messaging::kDomainKind;
}

// The sender's or domain's stored document; 404 naming the command that adds one.
Result<std::string> stored(store::Store& store, const LeverPull& p) {
  auto doc = store.org_doc(p.org_id, kind_of(p), p.name);
  if (!doc) return doc.error();
  if (!doc.value())
    return not_found("organization " + p.org_id +
                     (p.sms ? " has no SMS sender " : " has no sending domain ") + p.name +
                     (p.sms ? " (tocsin sender add)" : " (tocsin domain add)"));
  return doc.value()->doc;
}

// Audits the pull, then writes the changed document (the audit first: a change that took effect is always
// on record).
Status audit_and_write(store::Store& store, staff::AuditLog& log, const LeverPull& p, const std::string& id,
                       std::string doc, Micros now) {
  if (auto a = audit(log, p, now); !a) return a;
  return store.put_doc_outside(p.org_id, store::OrgDoc{std::string(kind_of(p)), id, std::move(doc)});
}

Result<std::string> pull_sender(store::Store& store, staff::AuditLog& log, const LeverPull& p, Micros now) {
  auto doc = stored(store, p);
  if (!doc) return doc.error();
  auto s = messaging::decode_sender(doc.value());
  if (!s) return s.error();
  if (p.disable) {
    s->disabled_reason = p.reason;
    s->disabled_at = now;
  } else {
    s->disabled_reason.clear();
    s->disabled_at = 0;
    // Enabling lifts the breaker's pause too, and its count starts again: the opt-outs that tripped it
    // would otherwise trip it again with the next one.
    s->blasts_paused_reason.clear();
    s->blasts_paused_at = 0;
    s->opt_outs_counted_from = now;
  }
  if (auto w = audit_and_write(store, log, p, s->number, messaging::encode_sender(s.value()), now); !w)
    return w.error();
  JsonOut j;
  j.begin()
      .kv("org_id", p.org_id)
      .kv("number", s->number)
      .kv("disabled", !s->disabled_reason.empty())
      .kv("disabled_reason", s->disabled_reason)
      .kv("blasts_paused", !s->blasts_paused_reason.empty());
  return j.end().take();
}

Result<std::string> pull_domain(store::Store& store, staff::AuditLog& log, const LeverPull& p, Micros now) {
  auto doc = stored(store, p);
  if (!doc) return doc.error();
  auto d = messaging::decode_domain(doc.value());
  if (!d) return d.error();
  d->disabled_reason = p.disable ? p.reason : "";
  d->disabled_at = p.disable ? now : 0;
  if (auto w = audit_and_write(store, log, p, d->domain, messaging::encode_domain(d.value()), now); !w)
    return w.error();
  JsonOut j;
  j.begin()
      .kv("org_id", p.org_id)
      .kv("domain", d->domain)
      .kv("disabled", !d->disabled_reason.empty())
      .kv("disabled_reason", d->disabled_reason);
  return j.end().take();
}

}  // namespace

Result<std::string> pull_lever(store::Store& store, staff::AuditLog& log, const LeverPull& pull) {
  if (trim_ascii_space(pull.reason).empty())
    return bad_request("--reason is required: it is shown with every refusal and kept in the audit");
  Micros now = now_micros();
  return pull.sms ? pull_sender(store, log, pull, now) : pull_domain(store, log, pull, now);
}

}  // namespace tocsin::oversight
