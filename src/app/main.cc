// The tocsin command line. Output meant for scripts is one JSON line on stdout; diagnostics go to stderr.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "api/keyring.h"
#include "app/abuse_commands.h"
#include "app/acceptable_use_commands.h"
#include "app/action_commands.h"
#include "app/audit_commands.h"
#include "app/config.h"
#include "app/delivery_commands.h"
#include "app/import_commands.h"
#include "app/installation.h"
#include "app/key_commands.h"
#include "app/mail_commands.h"
#include "app/messaging_commands.h"
#include "app/privacy_commands.h"
#include "app/privacy_request_commands.h"
#include "app/quarantine_commands.h"
#include "app/review_commands.h"
#include "app/serve.h"
#include "app/store_commands.h"
#include "app/user_commands.h"
#include "consent/verify.h"
#include "core/contact_point.h"
#include "privacy/contact_proof.h"

using namespace tocsin;

namespace {

int fail(const Error& e) {
  std::cerr << "tocsin: " << e.message << "\n";
  return e.http_status == 409 ? 3 : 1;
}

Result<Installation> open_existing(const std::string& dir) {
  return Installation::open(dir, false);
}

bool org_exists(Installation& inst, const std::string& org_id) {
  auto orgs = inst.store->orgs();
  if (!orgs) return false;
  for (const auto& o : orgs.value())
    if (o.id == org_id) return true;
  return false;
}

int cmd_evidence(const std::string& dir, const std::string& org_id, const std::string& contact) {
  auto inst = open_existing(dir);
  if (!inst) return fail(inst.error());
  auto orgs = inst->store->orgs();
  if (!orgs) return fail(orgs.error());
  const Org* org = nullptr;
  for (const auto& o : orgs.value())
    if (o.id == org_id) org = &o;
  if (!org) return fail(not_found("no organization " + org_id));
  Channel channel = Channel::kEmail;
  Result<std::string> normalized = normalize_email(contact);
  if (contact.find('@') == std::string::npos) {
    channel = Channel::kSms;
    normalized = normalize_phone(contact, org->default_region);
  }
  if (!normalized) return fail(normalized.error());
  auto scope = inst->store->scope(org_id);
  auto hasher = inst->hasher();
  auto entries = scope.ledger_for_contact(hasher.hash(channel, normalized.value()));
  if (!entries) return fail(entries.error());
  if (entries->empty()) return fail(not_found("no consent record for " + contact + " in this organization"));
  JsonOut j;
  j.begin().kv("org_id", org_id);
  bool verified = privacy::write_contact_proof(j, scope, hasher, channel, normalized.value());
  j.kv("chain_verified", verified).end();
  std::cout << j.take() << "\n";
  return verified ? 0 : 1;
}

int cmd_ledger_verify(const std::string& dir, const std::string& only_org) {
  auto inst = open_existing(dir);
  if (!inst) return fail(inst.error());
  auto orgs = inst->store->orgs();
  if (!orgs) return fail(orgs.error());
  bool all_ok = true;
  for (const auto& o : orgs.value()) {
    if (!only_org.empty() && o.id != only_org) continue;
    auto r = consent::verify_chain(inst->store->scope(o.id));
    if (!r) return fail(r.error());
    if (r->ok) {
      std::cout << "ok org " << o.id << ": " << r->entries << " entries, head " << r->head << "\n";
    } else {
      all_ok = false;
      std::cout << "TAMPERED org " << o.id << ": " << r->problem << "\n";
    }
  }
  return all_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("tocsin"));
  CLI::App app{"tocsin: mobilization toolset with provable consent"};
  app.require_subcommand(1);
  std::string dir = "./data", org_name = "Demo Organization", region = "US", org_id, listen, contact, key_id;
  bool gdpr = false;
  const char* kGdprHelp = "the organization is subject to the GDPR (supporters under 16 are refused, not 13)";

  auto* init = app.add_subcommand("init", "create a data directory with a first organization");
  init->add_option("--data", dir, "data directory")->required();
  init->add_option("--org", org_name, "name of the first organization");
  init->add_option("--region", region, "default phone region (ISO 3166 alpha-2)");
  init->add_flag("--gdpr", gdpr, kGdprHelp);
  EncryptionChoice encryption;
  init->add_option("--kek", encryption.kek_file,
                   "key-encryption key file (default: DIR.kek beside the data directory; created if absent)");
  init->add_flag("--unencrypted", encryption.unencrypted,
                 "store personal data without encryption at rest (not recommended)");

  auto* org = app.add_subcommand("org", "manage organizations");
  org->require_subcommand(1);
  auto* org_create = org->add_subcommand("create", "create an organization and its first API key");
  org_create->add_option("name", org_name)->required();
  org_create->add_option("--data", dir)->required();
  org_create->add_option("--region", region);
  org_create->add_flag("--gdpr", gdpr, kGdprHelp);

  auto* apikey = app.add_subcommand("apikey", "manage API keys");
  apikey->require_subcommand(1);
  auto* key_create = apikey->add_subcommand("create", "issue a new API key (shown once)");
  key_create->add_option("--data", dir)->required();
  key_create->add_option("--org", org_id)->required();
  auto* key_revoke = apikey->add_subcommand("revoke", "revoke an API key by its id");
  key_revoke->add_option("--data", dir)->required();
  key_revoke->add_option("--org", org_id)->required();
  key_revoke->add_option("key_id", key_id)->required();

  auto* serve_cmd = app.add_subcommand("serve", "serve the API");
  serve_cmd->add_option("--data", dir)->required();
  serve_cmd->add_option("--listen", listen, "HOST:PORT (default 127.0.0.1:8080)");

  // `evidence --data D --org O CONTACT` prints one proof; `evidence packet|public-key`
  // (app/privacy_commands.h) are its subcommands, so its own options cannot be required.
  auto* evidence =
      app.add_subcommand("evidence", "print the consent proof of one email address or phone number");
  evidence->add_option("--data", dir, "required without a subcommand");
  evidence->add_option("--org", org_id, "required without a subcommand");
  evidence->add_option("contact", contact, "required without a subcommand");

  auto* ledger = app.add_subcommand("ledger", "consent ledger tools");
  ledger->require_subcommand(1);
  auto* verify = ledger->add_subcommand("verify", "detect altered or removed ledger entries");
  verify->add_option("--data", dir)->required();
  verify->add_option("--org", org_id);

  add_import_commands(app);
  add_delivery_commands(app);
  add_mail_commands(app);
  add_action_commands(app);
  add_quarantine_commands(app);
  add_store_commands(app);
  add_user_commands(app);
  add_messaging_commands(app, *org);
  add_abuse_commands(app);
  add_review_commands(app);
  add_privacy_commands(app, *evidence);
  add_privacy_request_commands(app);
  add_audit_commands(app);
  add_key_commands(app);
  add_acceptable_use_commands(app);
  CLI11_PARSE(app, argc, argv);

  if (init->parsed()) {
    auto inst = Installation::open(dir, true, encryption);
    if (!inst) return fail(inst.error());
    auto line = inst->create_org_with_key(org_name, region, gdpr);
    if (!line) return fail(line.error());
    std::cout << line.value() << "\n";
    if (inst->kek)
      std::cerr << "tocsin: personal data is encrypted at rest; its key-encryption key is " << inst->kek_file
                << " (keep it, and out of the data directory's backups: docs/PRIVACY.md)\n";
    else
      std::cerr << "tocsin: personal data is stored without encryption at rest (--unencrypted)\n";
    return 0;
  }
  if (org_create->parsed()) {
    auto inst = open_existing(dir);
    if (!inst) return fail(inst.error());
    auto line = inst->create_org_with_key(org_name, region, gdpr);
    if (!line) return fail(line.error());
    std::cout << line.value() << "\n";
    return 0;
  }
  if (key_create->parsed() || key_revoke->parsed()) {
    auto inst = open_existing(dir);
    if (!inst) return fail(inst.error());
    if (!org_exists(*inst, org_id)) return fail(not_found("no organization " + org_id));
    if (key_revoke->parsed()) {
      if (auto s = inst->store->revoke_api_key(org_id, key_id); !s) return fail(s.error());
      std::cout << "{\"revoked\": \"" << key_id << "\"}\n";
      return 0;
    }
    auto key = api::issue_api_key(org_id);
    if (auto s = inst->store->put_api_key(key.record); !s) return fail(s.error());
    JsonOut j;
    j.begin().kv("key_id", key.record.id).kv("api_key", key.secret).end();
    std::cout << j.take() << "\n";
    return 0;
  }
  if (serve_cmd->parsed()) {
    auto inst = open_existing(dir);
    if (!inst) return fail(inst.error());
    auto config = load_config(dir);
    if (!config) return fail(config.error());
    if (!listen.empty()) config->listen = listen;
    return serve(*inst, std::move(config).value());
  }
  if (evidence->parsed()) {
    if (evidence->get_option("--data")->count() == 0 || org_id.empty() || contact.empty()) {
      std::cerr << "tocsin evidence: --data, --org and the contact point are required\n";
      return 2;
    }
    return cmd_evidence(dir, org_id, contact);
  }
  if (verify->parsed()) return cmd_ledger_verify(dir, org_id);
  return 0;
}
