// /tocsin:acceptable_use: the platform's acceptable-use policy as published ([platform] in tocsin.toml) and
// the organization's acceptances of it (messaging/acceptable_use.h). GET answers the published version, its
// URL, whether the organization accepted it (its blasts are refused until it does) and every acceptance on
// record, newest first; POST {"version", "accepted_by"} records one — the API key and IP go with it.
#include "api/handlers.h"
#include "messaging/acceptable_use.h"

namespace tocsin::api::handlers {
namespace {

policy::AcceptableUse published(const Call& c) {
  return {c.ctx.settings.acceptable_use_version, c.ctx.settings.acceptable_use_url};
}

void reply_state(Call& c) {
  auto docs = c.ctx.store.scope(c.org->org.id).docs_of_kind(messaging::kAcceptableUseKind);
  if (!docs) return c.error(docs.error());
  auto p = published(c);
  std::string accepted_version;
  {
    std::shared_lock lock(c.org->mu);
    accepted_version = c.org->messaging.settings().acceptable_use_accepted;
  }
  JsonOut j;
  j.begin();
  messaging::write_acceptance_state(j, p, accepted_version, docs.value());
  c.reply(200, j.end().take());
}

void accept(Call& c) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  std::string_view version, accepted_by;
  for (auto [key, out] : {std::pair{"version", &version}, std::pair{"accepted_by", &accepted_by}}) {
    auto v = body[key];
    if (v.error() == simdjson::NO_SUCH_FIELD) return c.error(400, std::string(key) + " is required");
    if (v.get_string().get(*out)) return c.error(400, std::string(key) + " must be a string");
  }
  auto p = published(c);
  if (auto s = messaging::check_acceptance(p, version, accepted_by); !s) return c.error(s.error());
  messaging::AupAcceptance a{std::string(version), p.url,       std::string(accepted_by), c.actor,
                             c.req.remote_ip,      now_micros()};
  c.ctx.committer.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(c.org->org.id);
    std::unique_lock lock(c.org->mu);
    w.add(store::op::PutDoc{messaging::acceptance_doc(a)});
    c.org->messaging.put_settings(w, messaging::with_acceptance(c.org->messaging.settings(), a));
    return std::function<void()>{};
  });
  reply_state(c);
}

}  // namespace

void acceptable_use(Call& c) {
  if (c.seg.size() != 1) return c.error(404, "no such resource");
  if (c.req.method == "GET") return reply_state(c);
  if (c.req.method == "POST") return accept(c);
  c.error(405, "method not allowed");
}

}  // namespace tocsin::api::handlers
