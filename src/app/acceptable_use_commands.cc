#include "app/acceptable_use_commands.h"

#include <iostream>

#include "app/command_exit.h"
#include "app/config.h"
#include "app/installation.h"
#include "app/org_settings.h"
#include "core/json_out.h"
#include "messaging/acceptable_use.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id, version, by;
};

policy::AcceptableUse published_in(const std::string& dir) {
  auto config = load_config(dir);
  if (!config) fail_command(config.error());
  return {config->acceptable_use_version, config->acceptable_use_url};
}

void print_state(Installation& inst, const Org& org, const policy::AcceptableUse& p) {
  auto docs = inst.store->scope(org.id).docs_of_kind(messaging::kAcceptableUseKind);
  if (!docs) fail_command(docs.error());
  std::string accepted = load_org_settings(inst, org.id).acceptable_use_accepted;
  JsonOut j;
  j.begin().kv("org_id", org.id).kv("name", org.name);
  messaging::write_acceptance_state(j, p, accepted, docs.value());
  std::cout << j.end().take() << "\n";
}

void run_status(const Args& a) {
  auto p = published_in(a.dir);
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command(inst.error());
  auto orgs = inst->store->orgs();
  if (!orgs) fail_command(orgs.error());
  bool found = a.org_id.empty();
  for (const auto& o : orgs.value())
    if (a.org_id.empty() || o.id == a.org_id) {
      found = true;
      print_state(inst.value(), o, p);
    }
  if (!found) fail_command(not_found("no organization " + a.org_id));
  finish_command(0);
}

void run_accept(const Args& a) {
  auto p = published_in(a.dir);
  if (auto s = messaging::check_acceptance(p, a.version, a.by); !s) fail_command(s.error());
  auto o = open_org_installation(a.dir, a.org_id);
  if (!o) fail_command(o.error());
  messaging::AupAcceptance acceptance{a.version, p.url, a.by, "platform:cli:" + os_user(), "", now_micros()};
  // The record first: the settings' version, which lifts the refusal, is written only once it is on file.
  if (auto s = o->inst.store->put_doc_outside(a.org_id, messaging::acceptance_doc(acceptance)); !s)
    fail_command(s.error());
  save_org_settings(o->inst, a.org_id,
                    messaging::with_acceptance(load_org_settings(o->inst, a.org_id), acceptance));
  print_state(o->inst, o->org, p);
  finish_command(0);
}

}  // namespace

void add_acceptable_use_commands(CLI::App& app) {
  auto* aup =
      app.add_subcommand("aup", "the platform's acceptable-use policy and organizations' acceptances");
  aup->require_subcommand(1);
  {
    auto a = std::make_shared<Args>();
    auto* cmd = aup->add_subcommand("status", "the published version and each organization's acceptances");
    cmd->add_option("--data", a->dir, "data directory")->required();
    cmd->add_option("--org", a->org_id, "one organization (default: all)");
    cmd->callback([a] { run_status(*a); });
  }
  {
    auto a = std::make_shared<Args>();
    auto* cmd = aup->add_subcommand("accept", "record an organization's acceptance of the published version");
    cmd->add_option("--data", a->dir, "data directory")->required();
    cmd->add_option("--org", a->org_id, "organization id")->required();
    cmd->add_option("--version", a->version, "the published version being accepted")->required();
    cmd->add_option("--by", a->by, "the name of the person who accepted it for the organization")->required();
    cmd->callback([a] { run_accept(*a); });
  }
}

}  // namespace tocsin
