// POST /abuse: anyone reports a hosted page, a message or a sending number (messaging/abuse_case.h). Public
// (no key), limited per client address (a burst of 5, then one every 10 s) and bounded (8 KiB body). The
// report is a case for the platform operator (`tocsin abuse list|close`), durable before the 202; the answer
// names the case but never the organization it concerns.
//
//   {"about": "page" | "message" | "number", "target": "<URL | message id | number>", "text": "..."}
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "api/handlers.h"
#include "core/ids.h"
#include "core/rate_limit.h"
#include "messaging/abuse_case.h"

namespace tocsin::api::handlers {
namespace {

constexpr size_t kMaxReportBytes = 8 * 1024;

// One limiter for the process: reports are rare, and a flood from one address is the abuse to stop here.
RateLimiter& per_ip() {
  static RateLimiter limiter(0.1, 5);
  return limiter;
}

std::string field(simdjson::dom::element body, const char* key) {
  std::string_view v;
  return body[key].get_string().get(v) ? std::string() : std::string(v);
}

}  // namespace

void abuse(Call& c) {
  if (c.seg.size() != 1) return c.error(404, "not found");
  if (c.req.method != "POST") return c.reply(405, error_body("use POST"), {{"Allow", "POST"}});
  if (c.req.body.size() > kMaxReportBytes) return c.error(413, "a report is at most 8 KiB");
  if (int wait = per_ip().acquire(c.req.remote_ip, now_micros()))
    return c.reply(429, error_body("too many reports from this address; retry later"),
                   {{"Retry-After", std::to_string(wait)}});
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  auto report =
      messaging::make_abuse_report(field(body, "about"), field(body, "target"), field(body, "text"));
  if (!report) return c.error(report.error());
  messaging::AbuseCase a = std::move(report).value();
  a.id = new_uuid();
  a.source = "web";
  a.opened = now_micros();
  a.org_id = messaging::abuse_org(c.ctx.directory, a);
  c.ctx.committer.run_sync([&](store::WriteBatch& b) {
    b.for_org(a.org_id).add(
        store::op::PutDoc{{std::string(messaging::kAbuseCaseKind), a.id, messaging::encode_abuse_case(a)}});
    return std::function<void()>{};
  });
  spdlog::info("abuse report {} about {} {}", a.id, a.about, a.about == "number" ? "(a number)" : a.target);
  JsonOut j;
  j.begin().kv("case_id", a.id).kv("status", "open");
  c.reply(202, j.end().take());
}

}  // namespace tocsin::api::handlers
