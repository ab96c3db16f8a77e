// /tocsin:evidence_requests: the consent-evidence requests the platform opened against the key's
// organization (privacy/evidence_request.h), and their answer — the signed packet
// (privacy/evidence_packet.h), which also lifts an `evidence_overdue` suspension (privacy/evidence_clock.h).
#include <algorithm>

#include "api/handlers.h"
#include "privacy/disclosure_log.h"
#include "privacy/evidence_clock.h"
#include "privacy/evidence_packet.h"

namespace tocsin::api::handlers {
namespace {

using privacy::EvidenceRequest;

Result<std::vector<EvidenceRequest>> load_requests(Call& c) {
  auto docs = c.ctx.store.scope(c.org->org.id).docs_of_kind(privacy::kEvidenceRequestKind);
  if (!docs) return docs.error();
  std::vector<EvidenceRequest> out;
  for (const auto& d : docs.value()) {
    auto r = privacy::decode_evidence_request(d.doc);
    if (r) out.push_back(std::move(r).value());
  }
  return out;
}

Result<EvidenceRequest> load_request(Call& c, const std::string& id) {
  auto doc = c.ctx.store.scope(c.org->org.id).doc(privacy::kEvidenceRequestKind, id);
  if (!doc) return doc.error();
  if (!doc.value()) return not_found("no evidence request " + id);
  return privacy::decode_evidence_request(doc.value()->doc);
}

void list_requests(Call& c) {
  auto all = load_requests(c);
  if (!all) return c.error(all.error());
  Micros now = now_micros();
  // Overdue first, then open by deadline, then answered (newest first).
  auto rank = [now](const EvidenceRequest& r) { return privacy::overdue(r, now) ? 0 : r.answered ? 2 : 1; };
  std::stable_sort(all->begin(), all->end(), [&](const EvidenceRequest& a, const EvidenceRequest& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return rank(a) == 2 ? a.answered > b.answered : a.deadline < b.deadline;
  });
  JsonOut j;
  j.begin().kv("total_records", static_cast<int64_t>(all->size()));
  j.kv("overdue", static_cast<int64_t>(std::count_if(all->begin(), all->end(), [&](const EvidenceRequest& r) {
         return privacy::overdue(r, now);
       })));
  j.begin("_embedded").begin_array("tocsin:evidence_requests");
  for (const auto& r : all.value()) {
    j.begin();
    privacy::write_evidence_request(j, r, now, false);
    j.begin("_links").link("self", c.ctx.api_base + "/tocsin:evidence_requests/" + r.id);
    j.link("tocsin:answer", c.ctx.api_base + "/tocsin:evidence_requests/" + r.id + "/tocsin:answer").end();
    j.end();
  }
  j.end_array().end().end();
  c.reply(200, j.take());
}

void show_request(Call& c, const std::string& id) {
  auto r = load_request(c, id);
  if (!r) return c.error(r.error());
  JsonOut j;
  j.begin();
  privacy::write_evidence_request(j, r.value(), now_micros(), true);
  j.end();
  c.reply(200, j.take());
}

void answer_request(Call& c, const std::string& id) {
  if (!c.ctx.evidence_clock || !c.ctx.evidence_key) return c.error(503, "evidence packets are not available");
  auto r = load_request(c, id);
  if (!r) return c.error(r.error());
  Micros now = now_micros();
  privacy::PacketRequest pr{r->id, r->scope, r->contacts, now};
  auto scope = c.ctx.store.scope(c.org->org.id);
  auto packet = privacy::build_evidence_packet(c.org->org, scope, *c.org->hasher, *c.ctx.evidence_key, pr);
  if (!packet) return c.error(packet.error());
  EvidenceRequest answered = std::move(r).value();
  bool first = answered.answered == 0;
  if (first) {
    answered.answered = now;
    answered.answered_by = c.actor;
  }
  answered.packet_sha256 = packet->sha256;
  answered.audit.push_back({now, c.actor,
                            std::string(first ? "answered" : "answered again") + " with packet sha256 " +
                                packet->sha256 + " (" + std::to_string(answered.contacts.size()) +
                                " contact points)"});
  auto lifted = c.ctx.evidence_clock->answer(*c.org, std::move(answered), now);
  if (!lifted) return c.error(lifted.error());
  // The packet holds the contact points' addresses and evidence: a read of everyone they belong to.
  int64_t contacts = static_cast<int64_t>(pr.contacts.size());
  reply_read(c, "evidence.packet", {}, std::move(packet->zip), contacts,
             {{"Content-Type", "application/zip"},
              {"Content-Disposition", "attachment; filename=\"evidence-" + id + ".zip\""},
              {"X-Tocsin-Packet-Sha256", packet->sha256},
              {"X-Tocsin-Suspension-Lifted", lifted.value() ? "true" : "false"}},
             privacy::kEvidenceRequestBasis);
}

}  // namespace

void evidence_requests(Call& c) {
  const auto& m = c.req.method;
  if (c.seg.size() == 1) {
    if (m != "GET") return c.error(405, "method not allowed");
    return list_requests(c);
  }
  if (c.seg.size() == 2) {
    if (m != "GET") return c.error(405, "method not allowed");
    return show_request(c, c.seg[1]);
  }
  if (c.seg.size() == 3 && c.seg[2] == "tocsin:answer") {
    if (m != "POST") return c.error(405, "method not allowed");
    return answer_request(c, c.seg[1]);
  }
  c.error(404, "no such resource");
}

}  // namespace tocsin::api::handlers
