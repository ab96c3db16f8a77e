#include "app/org_trust_commands.h"

#include <iostream>
#include <memory>

#include "app/command_exit.h"
#include "app/installation.h"
#include "core/json_out.h"
#include "oversight/org_standing.h"
#include "staff/audit.h"

namespace tocsin {
namespace {

enum class Verb { kTrust, kUntrust, kResume };

struct Args {
  std::string dir, org_id, reason, channel;
};

// The change is the service's (oversight/org_standing.h), which the operator's console screen calls too.
void run(const Args& a, Verb verb) {
  if (verb == Verb::kResume && a.channel != "email" && a.channel != "sms")
    fail_command(bad_request("--channel must be email or sms"));
  auto inst = open_org_installation(a.dir, a.org_id);
  if (!inst) fail_command(inst.error());
  Installation& in = inst->inst;
  oversight::StandingVerb v = verb == Verb::kTrust     ? oversight::StandingVerb::kTrust
                              : verb == Verb::kUntrust ? oversight::StandingVerb::kUntrust
                              : a.channel == "email"   ? oversight::StandingVerb::kResumeEmail
                                                       : oversight::StandingVerb::kResumeTexts;
  staff::DocAuditLog log(*in.store);
  auto out = oversight::change_standing(*in.store, log, {a.org_id, v, a.reason, "cli:" + os_user(), ""});
  if (!out) fail_command(out.error());
  const messaging::Settings& s = out->settings;
  JsonOut j;
  j.begin()
      .kv("org_id", a.org_id)
      .kv("trusted", s.trusted)
      .kv("bulk_email_paused", s.bulk_email_paused)
      .kv("bulk_texts_paused", s.bulk_texts_paused)
      .kv("audit", out->action);
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
