#include "app/user_commands.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "app/installation.h"
#include "core/clock.h"
#include "core/json_out.h"
#include "staff/staff_service.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id, email, role;
  bool operator_flag = false;
};

[[noreturn]] void finish(int code) {
  throw CLI::RuntimeError(code);
}

[[noreturn]] void fail(const Error& e) {
  std::cerr << "tocsin user: " << e.message << "\n";
  finish(e.http_status == 404 ? 4 : 1);
}

std::string actor() {
  const char* u = std::getenv("USER");
  return std::string("cli:") + (u && *u ? u : "uid " + std::to_string(::getuid()));
}

// The first line of standard input, without its line ending.
std::string read_password() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

struct Opened {
  Installation inst;
  std::unique_ptr<staff::DocAuditLog> audit;
  std::unique_ptr<staff::StaffService> staff;
};

Opened open(const std::string& dir) {
  auto inst = Installation::open(dir, false);
  if (!inst) fail(inst.error());
  Opened o{std::move(inst).value(), nullptr, nullptr};
  o.audit = std::make_unique<staff::DocAuditLog>(*o.inst.store);
  o.staff = std::make_unique<staff::StaffService>(*o.inst.store, o.inst.contact_key, *o.audit);
  return o;
}

void require_org(Installation& inst, const std::string& org_id) {
  auto orgs = inst.store->orgs();
  if (!orgs) fail(orgs.error());
  for (const auto& o : orgs.value())
    if (o.id == org_id) return;
  fail(not_found("no organization " + org_id));
}

void print_created(const staff::StaffService::Created& c, const std::string& org_id, std::string_view role) {
  JsonOut j;
  j.begin().kv("account_id", c.account.id).kv("email", c.account.email);
  if (!org_id.empty()) j.kv("org_id", org_id).kv("role", role);
  if (c.account.platform_operator) j.kv("platform_operator", true);
  j.kv("created", !c.enrolment_uri.empty());
  // Shown once, like an API key: the authenticator app's enrolment (render it as a QR code or type it in).
  if (!c.enrolment_uri.empty()) j.kv("totp_uri", c.enrolment_uri);
  std::cout << j.end().take() << "\n";
}

void run_create(const Args& a) {
  if (a.operator_flag == !a.role.empty()) fail(bad_request("give either --role (with --org) or --operator"));
  std::optional<staff::Role> role;
  if (!a.operator_flag) {
    role = staff::parse_role(a.role);
    if (!role) fail(bad_request("--role must be owner, admin, organizer or viewer"));
    if (a.org_id.empty()) fail(bad_request("--role needs --org"));
  }
  auto o = open(a.dir);
  if (role) require_org(o.inst, a.org_id);
  const std::string password = read_password();
  auto c = role ? o.staff->add_member(a.org_id, a.email, *role, password, actor(), now_micros())
                : o.staff->set_operator(a.email, password, actor(), now_micros());
  if (!c) fail(c.error());
  print_created(c.value(), a.org_id, role ? staff::role_name(*role) : "");
}

void run_reset(const Args& a) {
  auto o = open(a.dir);
  const std::string password = read_password();
  if (auto s = o.staff->reset_password(a.email, password, actor(), now_micros()); !s) fail(s.error());
  JsonOut j;
  std::cout << j.begin().kv("email", a.email).kv("sessions_revoked", true).end().take() << "\n";
}

void run_list(const Args& a) {
  auto o = open(a.dir);
  require_org(o.inst, a.org_id);
  auto team = o.staff->team(a.org_id);
  if (!team) fail(team.error());
  for (const auto& m : team.value()) {
    JsonOut j;
    std::cout << j.begin()
                     .kv("account_id", m.account_id)
                     .kv("email", m.email)
                     .kv("role", staff::role_name(m.role))
                     .end()
                     .take()
              << "\n";
  }
}

}  // namespace

void add_user_commands(CLI::App& app) {
  auto args = std::make_shared<Args>();
  auto* user = app.add_subcommand("user", "staff accounts of the web console (docs/CONSOLE.md)");
  user->require_subcommand(1);

  auto* create =
      user->add_subcommand("create", "create a staff account or give it a role (password on stdin)");
  create->add_option("--data", args->dir, "data directory")->required();
  create->add_option("--org", args->org_id, "organization id");
  create->add_option("--email", args->email, "the staff member's email address")->required();
  create->add_option("--role", args->role, "owner, admin, organizer or viewer");
  create->add_flag("--operator", args->operator_flag, "a platform operator (no org role)");
  create->callback([args] {
    run_create(*args);
    finish(0);
  });

  auto* reset = user->add_subcommand("reset", "set a new password (stdin) and revoke every session");
  reset->add_option("--data", args->dir, "data directory")->required();
  reset->add_option("--email", args->email, "the staff member's email address")->required();
  reset->callback([args] {
    run_reset(*args);
    finish(0);
  });

  auto* list = user->add_subcommand("list", "list an organization's staff, one JSON line each");
  list->add_option("--data", args->dir, "data directory")->required();
  list->add_option("--org", args->org_id, "organization id")->required();
  list->callback([args] {
    run_list(*args);
    finish(0);
  });
}

}  // namespace tocsin
