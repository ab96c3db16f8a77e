#include "oversight/abuse_close.h"

#include "core/clock.h"
#include "core/text.h"
#include "messaging/message.h"
#include "oversight/sender_lever.h"

namespace tocsin::oversight {
namespace {

// Every organization's id and the platform's (''), where cases are kept.
Result<std::vector<std::string>> case_holders(store::Store& st) {
  auto orgs = st.orgs();
  if (!orgs) return orgs.error();
  std::vector<std::string> ids{""};
  for (const auto& o : orgs.value()) ids.push_back(o.id);
  return ids;
}

Status take_down(store::Store& st, staff::AuditLog& log, const messaging::AbuseCase& c,
                 const messaging::PageRef& page, const std::string& told, const CaseClose& how, Micros now) {
  std::string id = messaging::page_takedown_id(page.kind, page.slug);
  if (auto a =
          log.record({c.org_id, how.actor, "page.take_down",
                      std::string(messaging::kPageTakedownKind) + ":" + id + " (" + told + ")", how.ip, now});
      !a)
    return a;
  return st.put_doc_outside(c.org_id, store::OrgDoc{std::string(messaging::kPageTakedownKind), id,
                                                    messaging::encode_page_takedown(told, c.id, now)});
}

// The message becomes `stopped` with the reason; a running server halts its blast (app/serve.cc).
Status stop_message(store::Store& st, staff::AuditLog& log, const messaging::AbuseCase& c,
                    const std::string& told, const CaseClose& how, Micros now) {
  auto doc = st.org_doc(c.org_id, messaging::kMessageKind, c.target);
  if (!doc) return doc.error();
  if (!doc.value()) return not_found("organization " + c.org_id + " has no message " + c.target);
  auto m = messaging::decode_message(doc.value()->doc);
  if (!m) return m.error();
  if (m->status == messaging::MessageStatus::kSent || m->status == messaging::MessageStatus::kStopped)
    return bad_request("message " + c.target + " is " + std::string(messaging::status_name(m->status)) +
                       " already");
  if (auto a = log.record(
          {c.org_id, how.actor, "message.stop", "message:" + c.target + " (" + told + ")", how.ip, now});
      !a)
    return a;
  m->status = messaging::MessageStatus::kStopped;
  m->status_reason = "stopped by the platform operator: " + told;
  m->modified = now;
  return st.put_doc_outside(c.org_id, store::OrgDoc{std::string(messaging::kMessageKind), m->id,
                                                    messaging::encode_message(m.value())});
}

}  // namespace

Result<std::vector<messaging::AbuseCase>> abuse_cases(store::Store& store, bool all) {
  auto holders = case_holders(store);
  if (!holders) return holders.error();
  std::vector<messaging::AbuseCase> out;
  for (const auto& org_id : holders.value()) {
    auto docs = store.scope(org_id).docs_of_kind(messaging::kAbuseCaseKind);
    if (!docs) return docs.error();
    for (const auto& d : docs.value()) {
      auto c = messaging::decode_abuse_case(d.doc);
      if (!c || (!all && c->status != "open")) continue;
      out.push_back(std::move(c).value());
    }
  }
  return out;
}

Result<messaging::AbuseCase> close_abuse_case(store::Store& st, staff::AuditLog& log, const CaseClose& how) {
  const std::string reason(trim_ascii_space(how.reason));
  if (reason.empty()) return bad_request("a reason is required: what was found and done");
  if (reason.size() > 500) return bad_request("the reason is over 500 bytes");
  auto holders = case_holders(st);
  if (!holders) return holders.error();
  std::optional<messaging::AbuseCase> found;
  for (const auto& org_id : holders.value()) {
    auto doc = st.org_doc(org_id, messaging::kAbuseCaseKind, how.case_id);
    if (!doc) return doc.error();
    if (!doc.value()) continue;
    auto c = messaging::decode_abuse_case(doc.value()->doc);
    if (!c) return c.error();
    found = std::move(c).value();
    break;
  }
  if (!found) return not_found("no abuse case " + how.case_id);
  messaging::AbuseCase c = std::move(*found);
  if (c.status != "open") return bad_request("abuse case " + c.id + " is closed already");
  Micros now = now_micros();
  // What the organization is told: the case and the operator's words, wherever the action shows.
  std::string told = "abuse case " + c.id + ": " + reason;
  std::string done = reason;
  switch (how.action) {
    case CaseAction::kNone:
      break;
    case CaseAction::kDisableSender: {
      if (c.about != "number" || c.org_id.empty())
        return bad_request("disabling the sender needs a case about a number of an organization");
      auto out = pull_lever(st, log, {c.org_id, true, c.target, true, told, how.actor, how.ip});
      if (!out) return out.error();
      done = "sender " + c.target + " disabled: " + reason;
      break;
    }
    case CaseAction::kTakeDownPage: {
      auto page = messaging::page_of(c.target);
      if (c.about != "page" || c.org_id.empty() || !page)
        return bad_request("taking a page down needs a case about a hosted page (/o/...) of an organization");
      if (auto s = take_down(st, log, c, *page, told, how, now); !s) return s.error();
      done = "page " + page->kind + "/" + page->slug + " taken down: " + reason;
      break;
    }
    case CaseAction::kStopMessage:
      if (c.about != "message" || c.org_id.empty())
        return bad_request("stopping the message needs a case about a message of an organization");
      if (auto s = stop_message(st, log, c, told, how, now); !s) return s.error();
      done = "message " + c.target + " stopped: " + reason;
      break;
  }
  if (auto a = log.record(
          {c.org_id, how.actor, "abuse.close", "abuse_case:" + c.id + " (" + done + ")", how.ip, now});
      !a)
    return a.error();
  c.status = "closed";
  c.resolution = done;
  c.closed_by = how.actor;
  c.closed = now;
  if (auto w = st.put_doc_outside(c.org_id, store::OrgDoc{std::string(messaging::kAbuseCaseKind), c.id,
                                                          messaging::encode_abuse_case(c)});
      !w)
    return w.error();
  return c;
}

}  // namespace tocsin::oversight
