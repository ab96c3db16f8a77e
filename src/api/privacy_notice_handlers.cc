// /tocsin:privacy_notice: what the organization's privacy notice page (/o/{org}/privacy) says about it —
// controller name, contact, data protection officer, retention (privacy/privacy_notice.h). GET answers the
// stored fields and the page's URL; PUT replaces the fields given (strings, 2000 bytes at most each).
#include "api/handlers.h"
#include "privacy/privacy_notice.h"

namespace tocsin::api::handlers {
namespace {

Result<privacy::PrivacyNotice> load(Call& c) {
  auto doc = c.ctx.store.scope(c.org->org.id)
                 .doc(privacy::kPrivacyNoticeKind, std::string(privacy::kPrivacyNoticeId));
  if (!doc) return doc.error();
  if (!doc.value()) return privacy::PrivacyNotice{};
  return privacy::decode_privacy_notice(doc.value()->doc);
}

void reply_notice(Call& c, const privacy::PrivacyNotice& n) {
  JsonOut j;
  j.begin()
      .kv("controller_name", n.controller_name)
      .kv("contact", n.contact)
      .kv("dpo", n.dpo)
      .kv("retention", n.retention)
      .kv("browser_url", c.ctx.public_url + "/o/" + c.org->slug + "/privacy");
  c.reply(200, j.end().take());
}

void put(Call& c) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  auto current = load(c);
  if (!current) return c.error(current.error());
  privacy::PrivacyNotice n = current.value();
  for (auto [key, field] :
       {std::pair{"controller_name", &n.controller_name}, std::pair{"contact", &n.contact},
        std::pair{"dpo", &n.dpo}, std::pair{"retention", &n.retention}}) {
    auto v = body[key];
    if (v.error()) continue;  // absent: unchanged
    std::string_view s;
    if (v.get_string().get(s)) return c.error(400, std::string(key) + " must be a string");
    if (s.size() > 2000) return c.error(400, std::string(key) + " is too long (2000 bytes at most)");
    *field = std::string(s);
  }
  c.ctx.committer.run_sync([&](store::WriteBatch& b) {
    b.for_org(c.org->org.id).add(store::op::PutDoc{privacy::privacy_notice_doc(n)});
    return std::function<void()>{};
  });
  reply_notice(c, n);
}

}  // namespace

void privacy_notice(Call& c) {
  if (c.seg.size() != 1) return c.error(404, "no such resource");
  if (c.req.method == "GET") {
    auto n = load(c);
    return n ? reply_notice(c, n.value()) : c.error(n.error());
  }
  if (c.req.method == "PUT") return put(c);
  c.error(405, "method not allowed");
}

}  // namespace tocsin::api::handlers
