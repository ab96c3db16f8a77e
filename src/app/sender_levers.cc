#include "app/sender_levers.h"

#include <iostream>
#include <memory>

#include "app/command_exit.h"
#include "app/installation.h"
#include "core/contact_point.h"
#include "core/json_out.h"
#include "core/text.h"
#include "messaging/settings.h"
#include "staff/audit.h"

namespace tocsin {
namespace {

// The audit has no field of its own for the operator's words, so the reason rides in the target, after
// what was acted on (it is the operator's text about a sender, not personal data).
Status audit(store::Store& store, const LeverPull& p, Micros now) {
  staff::DocAuditLog log(store);
  std::string action = std::string(p.sms ? "sender." : "domain.") + (p.disable ? "disable" : "enable");
  std::string target = std::string(p.sms ? messaging::kSenderKind : messaging::kDomainKind) + ":" + p.name +
                       " (reason: " + p.reason + ")";
  return log.record({p.org_id, p.actor, action, target, "", now});
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
Status audit_and_write(store::Store& store, const LeverPull& p, const std::string& id, std::string doc,
                       Micros now) {
  if (auto a = audit(store, p, now); !a) return a;
  return store.put_doc_outside(p.org_id, store::OrgDoc{std::string(kind_of(p)), id, std::move(doc)});
}

Result<std::string> pull_sender(store::Store& store, const LeverPull& p, Micros now) {
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
  if (auto w = audit_and_write(store, p, s->number, messaging::encode_sender(s.value()), now); !w)
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

Result<std::string> pull_domain(store::Store& store, const LeverPull& p, Micros now) {
  auto doc = stored(store, p);
  if (!doc) return doc.error();
  auto d = messaging::decode_domain(doc.value());
  if (!d) return d.error();
  d->disabled_reason = p.disable ? p.reason : "";
  d->disabled_at = p.disable ? now : 0;
  if (auto w = audit_and_write(store, p, d->domain, messaging::encode_domain(d.value()), now); !w)
    return w.error();
  JsonOut j;
  j.begin()
      .kv("org_id", p.org_id)
      .kv("domain", d->domain)
      .kv("disabled", !d->disabled_reason.empty())
      .kv("disabled_reason", d->disabled_reason);
  return j.end().take();
}

// The key a number is stored under: a short code as its digits, else E.164 (as `sender add` stores it).
Result<std::string> sender_key(const std::string& number) {
  if (!number.empty() && number.size() <= 6 && number.find_first_not_of("0123456789") == std::string::npos)
    return number;
  return normalize_phone(number, "US");
}

struct Args {
  std::string dir, org_id, name, reason;
};

void run(const Args& a, bool sms, bool disable) {
  LeverPull p;
  p.org_id = a.org_id;
  p.sms = sms;
  p.disable = disable;
  p.reason = std::string(trim_ascii_space(a.reason));
  p.actor = "cli:" + os_user();
  if (sms) {
    auto key = sender_key(a.name);
    if (!key) fail_command(key.error());
    p.name = std::move(key).value();
  } else {
    p.name = lower_ascii(trim_ascii_space(a.name));
  }
  auto inst = open_org_installation(a.dir, a.org_id);
  if (!inst) fail_command(inst.error());
  auto out = pull_lever(*inst->inst.store, p);
  if (!out) fail_command(out.error());
  std::cout << out.value() << "\n";
  finish_command(0);
}

}  // namespace

Result<std::string> pull_lever(store::Store& store, const LeverPull& pull) {
  if (trim_ascii_space(pull.reason).empty())
    return bad_request("--reason is required: it is shown with every refusal and kept in the audit");
  Micros now = now_micros();
  return pull.sms ? pull_sender(store, pull, now) : pull_domain(store, pull, now);
}

void add_lever_commands(CLI::App& sender, CLI::App& domain) {
  auto a = std::make_shared<Args>();
  for (bool sms : {true, false}) {
    CLI::App& parent = sms ? sender : domain;
    for (bool disable : {true, false}) {
      std::string what = sms ? "SMS number" : "sending domain";
      auto* cmd = parent.add_subcommand(
          disable ? "disable" : "enable",
          disable
              ? "refuse every send on one " + what + " of an organization (its other senders keep sending)"
              : "send on a disabled " + what + " again" + (sms ? " (also lifts an opt-out-rate pause)" : ""));
      cmd->add_option("--data", a->dir)->required();
      cmd->add_option("--org", a->org_id)->required();
      cmd->add_option(sms ? "--number,number" : "--domain,domain", a->name, sms ? "the number" : "the domain")
          ->required();
      cmd->add_option("--reason", a->reason, "shown with every refusal and kept in the audit")->required();
      cmd->callback([a, sms, disable] { run(*a, sms, disable); });
    }
  }
}

}  // namespace tocsin
