#include "app/org_trust_commands.h"

#include <iostream>
#include <memory>

#include "app/command_exit.h"
#include "app/installation.h"
#include "app/org_settings.h"
#include "core/clock.h"
#include "core/json_out.h"
#include "core/text.h"
#include "staff/audit.h"

namespace tocsin {
namespace {

enum class Verb { kTrust, kUntrust, kResume };

struct Args {
  std::string dir, org_id, reason, channel;
};

void run(const Args& a, Verb verb) {
  std::string reason(trim_ascii_space(a.reason));
  if (reason.empty()) fail_command(bad_request("--reason is required: it is kept in the audit"));
  if (verb == Verb::kResume && a.channel != "email" && a.channel != "sms")
    fail_command(bad_request("--channel must be email or sms"));
  auto inst = open_org_installation(a.dir, a.org_id);
  if (!inst) fail_command(inst.error());
  Installation& in = inst->inst;
  messaging::Settings s = load_org_settings(in, a.org_id);
  Micros now = now_micros();
  std::string action, target;
  switch (verb) {
    case Verb::kTrust:
    case Verb::kUntrust:
      action = verb == Verb::kTrust ? "org.trust" : "org.untrust";
      target = "org:" + a.org_id + " (reason: " + reason + ")";
      s.trusted = verb == Verb::kTrust;
      s.trusted_reason = s.trusted ? reason : "";
      s.trusted_at = s.trusted ? now : 0;
      break;
    case Verb::kResume: {
      bool email = a.channel == "email";
      if (!(email ? s.bulk_email_paused : s.bulk_texts_paused))
        fail_command(bad_request("the organization's " + std::string(email ? "bulk email" : "text blasts") +
                                 " are not paused"));
      action = "org.resume";
      // The figures that paused it stay on record in the audit.
      target = "org:" + a.org_id + " " + a.channel +
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
  staff::DocAuditLog log(*in.store);
  if (auto st = log.record({a.org_id, "cli:" + os_user(), action, target, "", now}); !st)
    fail_command(st.error());
  save_org_settings(in, a.org_id, s);
  JsonOut j;
  j.begin()
      .kv("org_id", a.org_id)
      .kv("trusted", s.trusted)
      .kv("bulk_email_paused", s.bulk_email_paused)
      .kv("bulk_texts_paused", s.bulk_texts_paused)
      .kv("audit", action);
  std::cout << j.end().take() << "\n";
  finish_command(0);
}

}  // namespace

void add_org_trust_commands(CLI::App& org_command) {
  auto a = std::make_shared<Args>();
  struct Entry {
    Verb verb;
    const char* name;
    const char* help;
  } entries[] = {
      {Verb::kTrust, "trust", "vouch for an organization: its first large blasts are not held for review"},
      {Verb::kUntrust, "untrust", "withdraw that: its first large blasts are held for review again"},
      {Verb::kResume, "resume", "lift an automatic pause of the organization's email or text blasts"}};
  for (const auto& e : entries) {
    auto* cmd = org_command.add_subcommand(e.name, e.help);
    cmd->add_option("--data", a->dir)->required();
    cmd->add_option("--org", a->org_id)->required();
    cmd->add_option("--reason", a->reason, "kept in the audit")->required();
    if (e.verb == Verb::kResume) cmd->add_option("--channel", a->channel, "email | sms")->required();
    Verb verb = e.verb;
    cmd->callback([a, verb] { run(*a, verb); });
  }
}

}  // namespace tocsin
