#include "app/action_commands.h"

#include <simdjson.h>

#include <algorithm>
#include <iostream>

#include "actions/action_write.h"
#include "api/action_json.h"
#include "app/installation.h"
#include "messaging/autoresponse.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id, kind, json;
};

int fail(const Error& e) {
  std::cerr << "tocsin: " << e.message << "\n";
  return 1;
}

int run_create(const Args& a) {
  const actions::ActionType* type = actions::type_by_collection(a.kind);
  if (!type) return fail(bad_request("no action kind " + a.kind + " (e.g. petitions, queries, wrappers)"));
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (parser.parse(a.json).get(body) || !body.is_object())
    return fail(bad_request("--json must be an object"));
  auto in = api::parse_action(body, *type);
  if (!in) return fail(in.error());
  // The administrator's tool is tocsin's "UI": only here may an action get an autoresponse (as on Action
  // Network, API-created actions never autorespond; messaging/autoresponse.h).
  simdjson::dom::element autoresponse;
  if (!body[messaging::kAutoresponseField].get(autoresponse)) {
    if (type->record_collection.empty())
      return fail(bad_request(a.kind + " have no records to autorespond to"));
    std::string raw = simdjson::minify(autoresponse);
    if (auto ok = messaging::parse_autoresponse(raw); !ok) return fail(ok.error());
    actions::set_field(in->fields, std::string(messaging::kAutoresponseField), raw);
  }

  auto inst = Installation::open(a.dir, false);
  if (!inst) return fail(inst.error());
  auto lock = DataDirLock::acquire(*inst, "creating an action");
  if (!lock) return fail(lock.error());
  auto orgs = inst->store->orgs();
  if (!orgs) return fail(orgs.error());
  auto org = std::find_if(orgs->begin(), orgs->end(), [&](const Org& o) { return o.id == a.org_id; });
  if (org == orgs->end()) return fail(not_found("no organization " + a.org_id));
  auto hasher = inst->hasher();
  people::OrgState state(*org, hasher);
  if (auto s = state.load(inst->store->scope(a.org_id)); !s) return fail(s.error());

  store::WriteBatch batch;
  auto w = batch.for_org(a.org_id);
  auto created = actions::create_action(state, *type, std::move(in).value(), "", w, now_micros());
  if (!created) return fail(created.error());
  if (auto s = inst->store->apply(batch); !s) return fail(s.error());
  JsonOut j;
  j.begin().kv("id", created.value()->id).kv("kind", created.value()->kind).end();
  std::cout << j.take() << "\n";
  return 0;
}

}  // namespace

void add_action_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* actions_cmd = app.add_subcommand("actions", "manage actions (petitions, queries, wrappers, ...)");
  actions_cmd->require_subcommand(1);
  auto* create = actions_cmd->add_subcommand("create", "create an action from a JSON document");
  create->add_option("--data", a->dir, "data directory")->required();
  create->add_option("--org", a->org_id, "organization id")->required();
  create->add_option("--kind", a->kind, "collection: queries, wrappers, campaigns, petitions, ...")
      ->required();
  create->add_option("--json", a->json, "the action as Action Network's JSON, e.g. {\"name\": \"Donors\"}")
      ->required();
  create->callback([a] { throw CLI::RuntimeError(run_create(*a)); });
}

}  // namespace tocsin
