#include "app/sender_levers.h"

#include <iostream>
#include <memory>

#include "app/command_exit.h"
#include "app/installation.h"
#include "core/contact_point.h"
#include "core/json_out.h"
#include "core/text.h"
#include "messaging/settings.h"
#include "oversight/sender_lever.h"
#include "staff/audit.h"

namespace tocsin {
namespace {

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
  oversight::LeverPull p;
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
  staff::DocAuditLog log(*inst->inst.store);
  auto out = oversight::pull_lever(*inst->inst.store, log, p);
  if (!out) fail_command(out.error());
  std::cout << out.value() << "\n";
  finish_command(0);
}

}  // namespace

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
