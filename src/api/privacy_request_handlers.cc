// /tocsin:privacy_requests: data-subject requests (privacy/privacy_request.h), entered by the organization's
// staff with their key as actor. POST creates; GET lists (overdue first, flagged); POST .../tocsin:fulfil
// with an optional body {"action": "fulfil" (default) | "start" | "extend" | "refuse", "reason", "days"}.
// Fulfilling: access and portability answer the ZIP bundle (privacy/access_bundle.h); objection and
// withdrawal record `unsubscribed` on every channel, and an objection also records the objection to
// tracking — only that when it was made with "objection_to": "tracking" (privacy/tracking_objection.h);
// restriction adds the gate's `restricted` exclusion;
// rectification is done through PUT /people and is only closed here; erasure removes the subject's data
// (privacy/erasure.h) and scrubs the database's files.
#include <spdlog/spdlog.h>

#include "api/handlers.h"
#include "core/ids.h"
#include "privacy/access_bundle.h"
#include "privacy/access_log.h"
#include "privacy/contact_scope.h"
#include "privacy/disclosure_log.h"
#include "privacy/erasure_commit.h"
#include "privacy/request_actions.h"
#include "privacy/tracking_objection.h"

namespace tocsin::api::handlers {
namespace {

using privacy::PrivacyRequest;
using privacy::RequestKind;
using privacy::RequestState;

Result<PrivacyRequest> load(Call& c, const std::string& id) {
  auto doc = c.ctx.store.scope(c.org->org.id).doc(privacy::kPrivacyRequestKind, id);
  if (!doc) return doc.error();
  if (!doc.value()) return not_found("no privacy request " + id);
  return privacy::decode_privacy_request(doc.value()->doc);
}

void reply_request(Call& c, const PrivacyRequest& r) {
  JsonOut j;
  j.begin();
  privacy::write_privacy_request(j, r, now_micros(), true);
  j.begin("_links").link("self", c.ctx.api_base + "/tocsin:privacy_requests/" + r.id);
  j.link("tocsin:fulfil", c.ctx.api_base + "/tocsin:privacy_requests/" + r.id + "/tocsin:fulfil").end();
  c.reply(200, j.end().take());
}

// Writes the request document (and whatever `more` adds) in one durable commit.
void save(Call& c, const PrivacyRequest& r,
          const std::function<void(store::WriteBatch::OrgWrites&)>& more = nullptr) {
  c.ctx.committer.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(c.org->org.id);
    std::unique_lock lock(c.org->mu);
    if (more) more(w);
    w.add(store::op::PutDoc{privacy::privacy_request_doc(r)});
    return std::function<void()>{};
  });
}

void create(Call& c) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  std::string_view kind_s, subject_s, note_s, received_s, objection_to_s;
  if (body["kind"].get_string().get(kind_s)) return c.error(400, "kind is required");
  auto kind = privacy::parse_kind(kind_s);
  if (!kind)
    return c.error(400,
                   "kind must be access, rectification, erasure, restriction, portability, objection or "
                   "withdrawal");
  auto objection_to = privacy::ObjectionScope::kAll;
  if (auto field = body["objection_to"]; field.error() != simdjson::NO_SUCH_FIELD) {
    if (*kind != RequestKind::kObjection) return c.error(400, "objection_to is only for an objection");
    auto scope =
        field.get_string().get(objection_to_s) ? std::nullopt : privacy::parse_objection_to(objection_to_s);
    if (!scope) return c.error(400, "objection_to must be \"tracking\" or \"all\"");
    objection_to = *scope;
  }
  if (body["subject"].get_string().get(subject_s))
    return c.error(400, "subject (an email or phone) is required");
  if (subject_s.size() > 320) return c.error(400, "subject is too long");
  auto subject = privacy::parse_contact(subject_s, c.org->org);
  if (!subject) return c.error(400, "subject: " + subject.error().message);
  if (body["note"].get_string().get(note_s)) note_s = {};  // absent or not a string: no note
  if (note_s.size() > 2000) return c.error(400, "note is too long (2000 bytes at most)");
  Micros now = now_micros();
  Micros received = now;
  if (!body["received"].get_string().get(received_s)) {
    auto t = parse_iso8601(received_s);
    if (!t || *t > now) return c.error(400, "received must be an ISO 8601 time not in the future");
    received = *t;
  }
  size_t matched;
  {
    std::shared_lock lock(c.org->mu);
    matched = privacy::subject_people(*c.org, subject.value()).size();
  }
  PrivacyRequest r = privacy::receive_privacy_request(*kind, subject.value(), c.org->org.gdpr_applies,
                                                      c.actor, std::string(note_s), received, matched);
  r.objection_to = objection_to;
  save(c, r);
  reply_request(c, r);
}

void list(Call& c) {
  auto docs = c.ctx.store.scope(c.org->org.id).docs_of_kind(privacy::kPrivacyRequestKind);
  if (!docs) return c.error(docs.error());
  std::vector<PrivacyRequest> all;
  for (const auto& d : docs.value())
    if (auto r = privacy::decode_privacy_request(d.doc)) all.push_back(std::move(r).value());
  Micros now = now_micros();
  privacy::sort_for_work(all, now);
  int64_t overdue = 0;
  for (const auto& r : all) overdue += privacy::is_overdue(r, now);
  JsonOut j;
  j.begin().kv("total_records", static_cast<int64_t>(all.size())).kv("overdue", overdue);
  j.begin("_embedded").begin_array("tocsin:privacy_requests");
  for (const auto& r : all) {
    j.begin();
    privacy::write_privacy_request(j, r, now, false);
    j.begin("_links").link("self", c.ctx.api_base + "/tocsin:privacy_requests/" + r.id).end();
    j.end();
  }
  j.end_array().end();
  c.reply(200, j.end().take());
}

// Lifting a fulfilled restriction (GDPR Art. 18(3): the controller tells the subject before it lifts, so the
// reason is required and kept in the audit trail). The request stays done; its people are sendable again.
void lift_restriction(Call& c, PrivacyRequest& r, const std::string& reason) {
  if (r.kind != RequestKind::kRestriction || r.state != RequestState::kDone)
    return c.error(409, "only a fulfilled restriction request can be lifted");
  if (reason.empty()) return c.error(400, "lifting a restriction needs its reason");
  std::vector<std::string> people;
  {
    std::shared_lock lock(c.org->mu);
    people = privacy::subject_people(*c.org, r.subject);
  }
  int n = 0;
  Micros now = now_micros();
  save(c, r, [&](store::WriteBatch::OrgWrites& w) {
    n = privacy::lift_restriction(*c.org, w, people);
    r.audit.push_back(
        {now, c.actor, "restriction lifted for " + std::to_string(n) + " contact point(s): " + reason});
  });
  reply_request(c, r);
}

// Erasure (privacy/erasure_commit.h): one durable commit, then the bytes are scrubbed from the database's
// files before the answer, so "done" means gone from the file (SQLite) or from the live tables (PostgreSQL).
void erase(Call& c, PrivacyRequest& r, Micros now) {
  auto n = privacy::erase_and_scrub(*c.org, c.ctx.store, c.ctx.committer, r, c.actor, now);
  if (!n) return c.error(n.error());
  reply_request(c, r);
}

void fulfil(Call& c, const std::string& id) {
  auto r = load(c, id);
  if (!r) return c.error(r.error());
  std::string action = "fulfil", reason;
  int64_t days = 0;
  if (!c.req.body.empty()) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element body;
    if (!c.parse_body(parser, body)) return;
    std::string_view a, why;
    if (!body["action"].get_string().get(a)) action = std::string(a);
    if (!body["reason"].get_string().get(why)) reason = std::string(why);
    if (body["days"].get_int64().get(days)) days = 0;  // absent or not a number: checked below
  }
  if (reason.size() > 2000) return c.error(400, "reason is too long (2000 bytes at most)");
  if (action == "lift") return lift_restriction(c, r.value(), reason);
  if (r->state == RequestState::kDone || r->state == RequestState::kRefused)
    return c.error(409, "the request is already " + std::string(privacy::state_name(r->state)));
  Micros now = now_micros();
  if (action == "start") {
    r->state = RequestState::kInProgress;
    r->audit.push_back({now, c.actor, "in progress"});
    save(c, r.value());
    return reply_request(c, r.value());
  }
  if (action == "refuse") {
    if (reason.empty()) return c.error(400, "a refusal needs its reason");
    r->state = RequestState::kRefused;
    r->refusal_reason = reason;
    r->audit.push_back({now, c.actor, "refused: " + reason});
    save(c, r.value());
    return reply_request(c, r.value());
  }
  if (action == "extend") {
    int64_t max = privacy::max_extension_days(c.org->org.gdpr_applies);
    if (!r->extension_reason.empty()) return c.error(409, "the request was already extended");
    if (reason.empty() || days < 1 || days > max)
      return c.error(400, "an extension needs its reason and days (1 to " + std::to_string(max) + ")");
    r->due += days * privacy::kDayMicros;
    r->extension_reason = reason;
    r->audit.push_back(
        {now, c.actor,
         "extended by " + std::to_string(days) + " days to " + format_iso8601(r->due) + ": " + reason});
    save(c, r.value());
    return reply_request(c, r.value());
  }
  if (action != "fulfil") return c.error(400, "action must be fulfil, start, extend, refuse or lift");

  std::vector<std::string> people;
  {
    std::shared_lock lock(c.org->mu);
    people = privacy::subject_people(*c.org, r->subject);
  }
  switch (r->kind) {
    case RequestKind::kErasure:
      return erase(c, r.value(), now);
    case RequestKind::kAccess:
    case RequestKind::kPortability: {
      auto scope = c.ctx.store.scope(c.org->org.id);
      Result<std::string> zip = std::string();
      {
        std::shared_lock lock(c.org->mu);
        zip = privacy::build_access_bundle(*c.org, scope, r.value(), people);
      }
      if (!zip) return c.error(zip.error());
      r->state = RequestState::kDone;
      r->audit.push_back({now, c.actor,
                          "bundle handed over (" + std::to_string(people.size()) + " person(s), " +
                              std::to_string(zip->size()) + " bytes)"});
      // The hand-over is logged with the request's own commit, so both are durable before the bundle leaves.
      save(c, r.value(), [&](store::WriteBatch::OrgWrites& w) {
        w.add(store::op::AppendAccess{privacy::access_entry(privacy::disclosed_to_reader(
            {c.org->org.id, c.actor, c.req.remote_ip, "privacy.bundle", privacy::access_query(c.target),
             people},
            r->kind == RequestKind::kAccess ? privacy::kAccessRequestBasis
                                            : privacy::kPortabilityRequestBasis))});
      });
      return c.reply(200, std::move(zip).value(),
                     {{"Content-Type", "application/zip"},
                      {"Content-Disposition", "attachment; filename=\"privacy-" + r->id + ".zip\""}});
    }
    case RequestKind::kObjection:
      save(c, r.value(), [&](store::WriteBatch::OrgWrites& w) {
        privacy::fulfil_objection(*c.org, w, r.value(), people, c.actor, now);
      });
      return reply_request(c, r.value());
    case RequestKind::kWithdrawal: {
      int n = 0;
      r->state = RequestState::kDone;
      save(c, r.value(), [&](store::WriteBatch::OrgWrites& w) {
        n = privacy::record_withdrawal(*c.org, w, r.value(), people, c.actor, now);
        r->audit.push_back({now, c.actor, "unsubscribed " + std::to_string(n) + " contact point(s)"});
      });
      return reply_request(c, r.value());
    }
    case RequestKind::kRestriction: {
      int n = 0;
      r->state = RequestState::kDone;
      save(c, r.value(), [&](store::WriteBatch::OrgWrites& w) {
        n = privacy::add_restriction(*c.org, w, people);
        r->audit.push_back({now, c.actor, "restricted " + std::to_string(n) + " contact point(s)"});
      });
      return reply_request(c, r.value());
    }
    case RequestKind::kRectification:
      r->state = RequestState::kDone;
      r->audit.push_back({now, c.actor, "rectified (PUT /people)" + (reason.empty() ? "" : ": " + reason)});
      save(c, r.value());
      return reply_request(c, r.value());
  }
}

}  // namespace

void privacy_requests(Call& c) {
  const auto& m = c.req.method;
  if (c.seg.size() == 1) {
    if (m == "GET") return list(c);
    if (m == "POST") return create(c);
    return c.error(405, "method not allowed");
  }
  if (c.seg.size() == 2) {
    if (m != "GET") return c.error(405, "method not allowed");
    auto r = load(c, c.seg[1]);
    if (!r) return c.error(r.error());
    return reply_request(c, r.value());
  }
  if (c.seg.size() == 3 && c.seg[2] == "tocsin:fulfil") {
    if (m != "POST") return c.error(405, "method not allowed");
    return fulfil(c, c.seg[1]);
  }
  c.error(404, "no such resource");
}

}  // namespace tocsin::api::handlers
