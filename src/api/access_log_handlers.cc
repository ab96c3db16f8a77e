// /tocsin:access_log: who read the organization's supporters' data (privacy/access_log.h).
//   GET /tocsin:access_log?person_id=ID&since=ISO8601&after=SEQ&limit=N — entries in seq order; with
//     person_id, those naming the person and every bulk read (marked "bulk"), which may have included them.
//     Paged by keyset: `next` carries after=<last seq> while a page comes back full.
//   GET /tocsin:access_log/tocsin:verify — recomputes the chain: {"entries", "verified", "broken_seq",
//   "problem"}.
// /tocsin:disclosure_log: the same entries that are disclosures — to whom supporters' data went, what and
// under which basis (privacy/disclosure_log.h):
//   GET /tocsin:disclosure_log?person_id=ID&since=ISO8601&after=SEQ&limit=N — with person_id, the person's
//     ("who received my data?": the entries listing them, bulk ones, and the hand-overs of the blasts
//     their own deliveries were handed over in).
// Reading the log is not itself logged: it holds person ids and staff addresses, not supporters' data.
#include <charconv>

#include "api/handlers.h"
#include "core/clock.h"
#include "privacy/access_log.h"

namespace tocsin::api::handlers {
namespace {

constexpr int64_t kMaxLimit = 1000;

std::optional<int64_t> parse_count(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

void list(Call& c, std::string_view resource, std::string_view rel, bool disclosures_only) {
  store::AccessQuery q;
  q.disclosures_only = disclosures_only;
  if (auto p = c.target.param("person_id")) q.person_id = *p;
  if (auto p = c.target.param("since")) {
    auto t = parse_iso8601(*p);
    if (!t) return c.error(400, "since must be an ISO 8601 time, e.g. 2026-01-31T00:00:00Z");
    q.since = *t;
  }
  if (auto p = c.target.param("after")) {
    auto v = parse_count(*p);
    if (!v) return c.error(400, "after must be an entry's seq (a whole number)");
    q.after_seq = *v;
  }
  if (auto p = c.target.param("limit")) {
    auto v = parse_count(*p);
    if (!v || *v == 0 || *v > kMaxLimit)
      return c.error(400, "limit must be a whole number from 1 to " + std::to_string(kMaxLimit));
    q.limit = *v;
  }
  auto entries = c.ctx.store.scope(c.org->org.id).access_log(q);
  if (!entries) return c.error(entries.error());
  std::string self = c.ctx.api_base + "/" + std::string(resource);
  JsonOut j;
  j.begin().begin("_embedded").begin_array(rel);
  for (const auto& e : entries.value()) privacy::write_access_entry(j, e);
  j.end_array().end();
  j.begin("_links").link("self", self);
  if (static_cast<int64_t>(entries->size()) == q.limit) {
    std::string next =
        self + "?after=" + std::to_string(entries->back().seq) + "&limit=" + std::to_string(q.limit);
    if (!q.person_id.empty()) next += "&person_id=" + percent_encode(q.person_id);
    if (q.since) next += "&since=" + percent_encode(format_iso8601_micros(q.since));
    j.link("next", next);
  }
  j.end();
  c.reply(200, j.end().take());
}

void verify(Call& c) {
  auto scope = c.ctx.store.scope(c.org->org.id);
  auto check = privacy::verify_access_chain(scope);
  if (!check) return c.error(check.error());
  JsonOut j;
  j.begin().kv("entries", check->entries).kv("verified", check->broken_seq == 0);
  if (check->broken_seq) j.kv("broken_seq", check->broken_seq).kv("problem", check->problem);
  c.reply(200, j.end().take());
}

}  // namespace

void access_log(Call& c) {
  if (c.req.method != "GET") return c.error(405, "method not allowed");
  if (c.seg.size() == 1) return list(c, "tocsin:access_log", "tocsin:access_log_entries", false);
  if (c.seg.size() == 2 && c.seg[1] == "tocsin:verify") return verify(c);
  c.error(404, "no such resource");
}

void disclosure_log(Call& c) {
  if (c.req.method != "GET") return c.error(405, "method not allowed");
  if (c.seg.size() == 1) return list(c, "tocsin:disclosure_log", "tocsin:disclosures", true);
  c.error(404, "no such resource");
}

}  // namespace tocsin::api::handlers
