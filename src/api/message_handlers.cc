// /messages: Action Network's mass email (and tocsin's texts, `type: "tocsin:sms"`): create and edit drafts,
// schedule, send and stop, statistics, and the namespaced preflight (who would get it, who each gate rule
// leaves out). Sending plans every recipient through the gate and persists the plan (store/delivery_plan.h)
// before the message is marked `sending`; the dispatcher (messaging/dispatcher.h) does the rest.
#include <simdjson.h>

#include "api/consent_fields.h"
#include "api/hal.h"
#include "api/handlers.h"
#include "core/ids.h"
#include "messaging/audience.h"
#include "messaging/blast_control.h"
#include "messaging/content_screening.h"
#include "messaging/dispatcher.h"
#include "messaging/header_values.h"
#include "messaging/media_refusal.h"
#include "messaging/render.h"
#include "privacy/access_log.h"

namespace tocsin::api::handlers {
namespace {

using messaging::Message;
using messaging::MessageStatus;

std::string message_href(const std::string& api_base, const std::string& id) {
  return api_base + "/messages/" + id;
}
std::string message_href(const Call& c, const std::string& id) {
  return message_href(c.ctx.api_base, id);
}

void write_message(const std::string& api_base, JsonOut& j, const Message& m,
                   const messaging::DeliveryCounts* counts) {
  j.begin();
  j.begin_array("identifiers").str("action_network:" + m.id);
  for (const auto& i : m.identifiers) j.str(i);
  j.end_array();
  j.kv("origin_system", m.origin_system.empty() ? std::string("tocsin") : m.origin_system)
      .kv("created_date", format_iso8601(m.created))
      .kv("modified_date", format_iso8601(m.modified))
      .kv("name", m.name)
      .kv("subject", m.subject)
      .kv("body", m.body)
      .kv("from", m.from)
      .kv("reply_to", m.reply_to)
      .kv("tocsin:from_address", m.sender_address())
      .kv("type", m.channel == Channel::kEmail ? "email" : "tocsin:sms")
      .kv("status", messaging::status_name(m.status))
      .kv("total_targeted", m.total_targeted);
  if (!m.status_reason.empty()) j.kv("tocsin:status_reason", m.status_reason);
  if (m.scheduled_at) j.kv("scheduled_start_date", format_iso8601(m.scheduled_at));
  if (m.sent_start) j.kv("sent_start_date", format_iso8601(m.sent_start));
  if (m.channel == Channel::kSms) j.kv("tocsin:sms_sender", m.sms_sender).kv("tocsin:marketing", m.marketing);
  if (!m.purpose.empty()) j.kv("tocsin:purpose", m.purpose);
  if (!m.special_category_used.empty()) {
    j.begin_array("tocsin:special_category_used");
    for (const auto& u : m.special_category_used) j.str(u);
    j.end_array();
  }
  // Content review (docs/POLICY.md): why the message is held or was rejected, visible to the organization.
  if (!m.review_state.empty()) {
    j.begin("tocsin:review").kv("state", m.review_state).kv("note", m.review_note).k("findings");
    j.raw(m.review_findings.empty() ? "[]" : m.review_findings);
    j.end();
  }
  j.begin_array("targets");
  for (const auto& t : m.targets) {
    using K = messaging::Target::Kind;
    std::string kind = t.kind == K::kList    ? "lists"
                       : t.kind == K::kTag   ? "tags"
                       : t.kind == K::kQuery ? "queries"
                                             : t.collection;
    j.begin().kv("href", api_base + "/" + kind + "/" + t.id).end();
  }
  j.end_array();
  j.begin("statistics");
  if (counts) {
    auto n = [&](store::DeliveryState s) {
      auto it = counts->by_state.find(s);
      return it == counts->by_state.end() ? int64_t{0} : it->second;
    };
    using S = store::DeliveryState;
    // Sent: handed over, whatever came back later; a recipient refused at SMTP time was never sent.
    j.kv("sent", counts->handed_over)
        .kv("opened", counts->opened)
        .kv("clicked", counts->clicked)
        .kv("actions", int64_t{0})
        .kv("unsubscribed", counts->unsubscribed)
        .kv("bounced", n(S::kBounced))
        .kv("spam_reports", n(S::kComplained))
        .kv("tocsin:delivered", n(S::kDelivered))
        .kv("tocsin:queued", n(S::kQueued) + n(S::kDeferred))
        .kv("tocsin:failed", n(S::kFailed))
        .kv("tocsin:unknown", n(S::kUnknown))
        .kv("tocsin:stopped", n(S::kStopped));
    j.begin("tocsin:excluded");
    for (const auto& [reason, count] : counts->excluded_by_reason) j.kv(reason, count);
    j.end();
  } else {
    for (const char* k : {"sent", "opened", "clicked", "actions", "unsubscribed", "bounced", "spam_reports"})
      j.kv(k, int64_t{0});
  }
  j.end();
  std::string self = message_href(api_base, m.id);
  j.begin("_links").link("self", self);
  if (!m.wrapper_id.empty()) j.link("osdi:wrapper", api_base + "/wrappers/" + m.wrapper_id);
  j.link("osdi:send_helper", self + "/send")
      .link("osdi:schedule_helper", self + "/schedule")
      .link("tocsin:preflight", self + "/tocsin:preflight");
  j.end();
  j.end();
}

std::optional<messaging::DeliveryCounts> counts_of(Call& c, const Message& m) {
  if (m.status == MessageStatus::kDraft || m.status == MessageStatus::kScheduled || !c.ctx.dispatcher)
    return std::nullopt;
  auto counts = c.ctx.dispatcher->counts(c.org->org.id, m.id);
  if (!counts) return std::nullopt;
  return std::move(counts).value();
}

// Reads the editable fields of a message from a request body over `m`. 400 on bad types or targets.
Status read_message(const people::OrgState& org, simdjson::dom::element body, Message& m) {
  // Media is refused, never dropped: the client would believe it was sent (messaging/media_refusal.h).
  for (std::string_view field : messaging::kMediaFields)
    if (body[field].error() != simdjson::NO_SUCH_FIELD) return unprocessable(messaging::media_refusal(field));
  auto str = [&](const char* key, std::string& out) -> Status {
    auto v = body[key];
    if (v.error() == simdjson::NO_SUCH_FIELD) return Ok{};
    std::string_view s;
    if (v.get_string().get(s)) return bad_request(std::string(key) + " must be a string");
    out = std::string(s);
    return Ok{};
  };
  for (auto [key, field] : {std::pair{"subject", &m.subject},
                            {"body", &m.body},
                            {"from", &m.from},
                            {"reply_to", &m.reply_to},
                            {"name", &m.name},
                            {"origin_system", &m.origin_system},
                            {"tocsin:from_address", &m.from_address},
                            {"tocsin:sms_sender", &m.sms_sender}})
    if (auto s = str(key, *field); !s) return s;
  std::string type;
  if (auto s = str("type", type); !s) return s;
  if (!type.empty()) {
    if (type == "email")
      m.channel = Channel::kEmail;
    else if (type == "tocsin:sms" || type == "sms")
      m.channel = Channel::kSms;
    else
      return bad_request("type must be \"email\" or \"tocsin:sms\"");
  }
  bool marketing;
  if (!body["tocsin:marketing"].get_bool().get(marketing)) m.marketing = marketing;
  auto purpose = read_purpose(body);
  if (!purpose) return purpose.error();
  if (purpose.value()) m.purpose = std::move(*purpose.value());
  auto targets = body["targets"];
  if (targets.error() != simdjson::NO_SUCH_FIELD) {
    simdjson::dom::array arr;
    if (targets.get_array().get(arr)) return bad_request("targets must be an array of {\"href\": ...}");
    m.targets.clear();
    for (auto t : arr) {
      std::string_view href;
      if (t["href"].get_string().get(href)) return bad_request("each target needs an href");
      auto parsed = messaging::parse_target_href(href);
      if (!parsed) return parsed.error();
      m.targets.push_back(parsed.value());
    }
  }
  std::string_view wrapper;
  if (!body["_links"]["osdi:wrapper"]["href"].get_string().get(wrapper)) {
    auto slash = wrapper.rfind('/');
    std::string id(wrapper.substr(slash == std::string_view::npos ? 0 : slash + 1));
    if (!org.actions.find_action("wrappers", id)) return unprocessable("wrapper " + id + " does not exist");
    m.wrapper_id = id;
  }
  return messaging::check_draft(org, m);
}

void create_or_update(Call& c, const std::string& id) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  auto copy = std::make_shared<std::string>(simdjson::minify(body));
  std::string api_base = c.ctx.api_base;
  commit_write(c,
               [api_base, id, copy](people::OrgState& org, store::WriteBatch::OrgWrites& w,
                                    Micros now) -> Result<std::string> {
                 simdjson::dom::parser p;
                 simdjson::dom::element b;
                 if (p.parse(*copy).get(b)) return bad_request("body must be a JSON object");
                 Message m;
                 if (!id.empty()) {
                   const Message* existing = org.messaging.message(id);
                   if (!existing) return not_found("no such message");
                   // A held message can be edited: it becomes a draft again, screened anew when sent.
                   if (existing->status != MessageStatus::kDraft && existing->status != MessageStatus::kHeld)
                     return bad_request("only a draft can be edited; this message is " +
                                        std::string(messaging::status_name(existing->status)));
                   m = *existing;
                   if (m.status == MessageStatus::kHeld) {
                     m.status = MessageStatus::kDraft;
                     m.status_reason.clear();
                   }
                 } else {
                   m.id = new_uuid();
                   m.created = now;
                 }
                 if (auto s = read_message(org, b, m); !s) return s.error();
                 m.modified = now;
                 org.messaging.put_message(w, m);
                 JsonOut j;
                 write_message(api_base, j, m, nullptr);
                 return j.take();
               });
}

void schedule(Call& c, const std::string& id, bool cancel) {
  std::optional<Micros> at;
  if (!cancel) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element body;
    if (!c.parse_body(parser, body)) return;
    std::string_view when;
    if (body["scheduled_start_date"].get_string().get(when))
      return c.error(400, "scheduled_start_date is required (ISO 8601, UTC)");
    at = parse_iso8601(when);
    if (!at) return c.error(400, "scheduled_start_date must be an ISO 8601 date and time");
    if (*at <= now_micros()) return c.error(400, "scheduled_start_date must be in the future");
  }
  commit_write(c,
               [id, at, cancel](people::OrgState& org, store::WriteBatch::OrgWrites& w,
                                Micros now) -> Result<std::string> {
                 if (auto s = messaging::reschedule(org, w, id, cancel ? std::nullopt : at, now); !s)
                   return s.error();
                 return std::string(cancel ? "{\"message\":\"Your message has been unscheduled\"}"
                                           : "{\"message\":\"Your message has been scheduled\"}");
               });
}

void send(Call& c, const std::string& id) {
  if (!c.ctx.dispatcher) return c.error(503, "sending is not available on this server");
  std::string message_id = id;  // `id` is one of the call's path segments, which go with it
  auto call = std::make_shared<Call>(std::move(c));
  // Targeting by special-category data is logged as a use of it (messaging/audience.h) before the status
  // changes.
  auto planned = [call, message_id](const messaging::PlanSummary& sum) {
    if (sum.special_category_used.empty() || !call->ctx.access_log) return;
    call->ctx.access_log->record(
        privacy::AccessRead{call->org->org.id,
                            call->actor,
                            call->req.remote_ip,
                            std::string(messaging::kSpecialCategoryUseAction),
                            messaging::special_category_use_query(message_id, sum.special_category_used),
                            {},
                            sum.targeted},
        [] {});
  };
  messaging::start_blast(
      {call->ctx.committer, *call->ctx.dispatcher, call->ctx.gate}, *call->org, message_id, {},
      std::move(planned), [call](Result<messaging::BlastStart> r) {
        if (!r) return call->error(r.error());
        if (call->background) return call->empty_ok();
        if (r->held) {
          JsonOut answer;
          answer.begin()
              .kv("message",
                  r->held_reason == policy::reason_name(policy::Reason::kNewOrgReview)
                      ? "Your message is held for review: " + r->held_sentence
                      : std::string("Your message is held for review: content screening found something the "
                                    "platform operator must look at first."))
              .kv("tocsin:held_reason", r->held_reason)
              .begin("tocsin:screening");
          messaging::write_screening(answer, r->screening);
          answer.end().end();
          return call->reply(202, answer.take());
        }
        // Action Network's answer for email; a text is not an email.
        call->reply(200, r->channel == Channel::kEmail ? "{\"message\":\"Your email has been sent.\"}"
                                                       : "{\"message\":\"Your text has been sent.\"}");
      });
}

void stop(Call& c, const std::string& id) {
  if (!c.ctx.dispatcher) return c.error(503, "sending is not available on this server");
  auto channel = messaging::stop_blast(*c.ctx.dispatcher, *c.org, id);
  if (!channel) return c.error(channel.error());
  c.reply(200,
          channel.value() == Channel::kEmail
              ? "{\"message\":\"Your email has been stopped. You can exclude the people who received it.\"}"
              : "{\"message\":\"Your text has been stopped.\"}");
}

void preflight(Call& c, const std::string& id) {
  if (!c.ctx.gate) return c.error(503, "preflight is not available on this server");
  auto pre = messaging::preflight(*c.org, c.ctx.gate->gate(), c.ctx.dispatcher, id, false);
  if (!pre) return c.error(pre.error());
  const Message& m = pre->message;
  const auto& s = pre->plan.summary;
  JsonOut j;
  j.begin().kv("total_targeted", s.targeted).kv("would_send_now", s.sendable).kv("deferred", s.deferred);
  if (s.deferred) j.kv("deferred_until_latest", format_iso8601(s.deferred_until_latest));
  j.begin("deferred_by_reason");
  for (const auto& [r, n] : s.waiting) j.kv(r, n);
  j.end().begin("excluded_by_reason");
  for (const auto& [r, n] : s.excluded) j.kv(r, n);
  j.end();
  if (!s.blocked_reason.empty()) j.kv("blocked_reason", s.blocked_reason).kv("blocked", s.blocked_sentence);
  if (!m.purpose.empty()) j.kv("tocsin:purpose", m.purpose);
  if (!s.special_category_used.empty()) {
    j.begin_array("tocsin:special_category_used");
    for (const auto& u : s.special_category_used) j.str(u);
    j.end_array();
  }
  if (m.channel == Channel::kSms) j.kv("segments", int64_t{s.sms_segments}).kv("encoding", s.sms_encoding);
  j.begin("tocsin:screening");
  messaging::write_screening(j, pre->screening);
  j.end();
  j.begin("_links")
      .link("self", message_href(c, id) + "/tocsin:preflight")
      .link("osdi:message", message_href(c, id))
      .end();
  c.reply(200, j.end().take());
}

void list_messages(Call& c) {
  auto paging = parse_paging(c.target);
  std::shared_lock lock(c.org->mu);
  auto all = c.org->messaging.messages();
  auto page = page_of(all, paging);
  std::vector<Message> copies;
  for (const auto* m : page) copies.push_back(*m);
  lock.unlock();
  std::vector<std::optional<messaging::DeliveryCounts>> counts;
  for (const auto& m : copies) counts.push_back(counts_of(c, m));
  CollectionSpec spec{"osdi:messages",
                      c.ctx.api_base + "/messages",
                      paging,
                      copies.size(),
                      all.size(),
                      paging.offset() + copies.size() < all.size(),
                      ""};
  JsonOut j;
  write_collection(
      j, spec, c.ctx.api_base, [&](size_t i) { return message_href(c, copies[i].id); },
      [&](size_t i) { write_message(c.ctx.api_base, j, copies[i], counts[i] ? &*counts[i] : nullptr); });
  c.reply(200, j.take());
}

}  // namespace

void messages(Call& c) {
  const auto& s = c.seg;
  const auto& method = c.req.method;
  if (s.size() == 1 || (s.size() == 2 && s[1].empty())) {
    if (method == "GET") return list_messages(c);
    if (method == "POST") return create_or_update(c, "");
    return c.error(405, "use GET or POST on /messages");
  }
  const std::string& id = s[1];
  if (s.size() == 2 || (s.size() == 3 && s[2].empty())) {
    if (method == "GET") {
      Message m;
      {
        std::shared_lock lock(c.org->mu);
        const Message* existing = c.org->messaging.message(id);
        if (!existing) return c.error(404, "no such message");
        m = *existing;
      }
      auto counts = counts_of(c, m);
      JsonOut j;
      write_message(c.ctx.api_base, j, m, counts ? &*counts : nullptr);
      return c.reply(200, j.take());
    }
    if (method == "PUT") return create_or_update(c, id);
    return c.error(405, "use GET or PUT on a message");
  }
  const std::string& helper = s[2];
  if (helper == "schedule" && (method == "POST" || method == "DELETE"))
    return schedule(c, id, method == "DELETE");
  if (helper == "send" && method == "POST") return send(c, id);
  if (helper == "send" && method == "DELETE") return stop(c, id);
  if ((helper == "tocsin:preflight" || helper == "preflight") && method == "GET") return preflight(c, id);
  c.error(404, "no such message endpoint: " + helper);
}

}  // namespace tocsin::api::handlers
