// The platform operator's screen and forms (web/admin/platform_screen.h), for accounts made with `tocsin user
// create --operator` whatever their org roles. A suspension is the organization's settings changed in one
// group commit through MessagingBook::put_settings, as `tocsin org suspend` changes them, so the gate refuses
// the organization's next hand-over (a blast in flight included); a platform suppression is stored as
// `tocsin suppress --platform` stores it and the gate's copy refreshed at once. Each is in the staff audit
// (`platform.suspend`, `platform.unsuspend`, `platform.suppress`).
#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/contact_point.h"
#include "core/query_string.h"
#include "core/secret_compare.h"
#include "messaging/gate_wiring.h"
#include "messaging/org_write.h"
#include "oversight/abuse_close.h"
#include "oversight/content_review.h"
#include "oversight/org_standing.h"
#include "web/admin/console.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"
#include "web/admin/platform_screen.h"

namespace tocsin::web::admin {

bool Console::route_platform(const staff::Principal& p, const api::Request& req, const std::string& path,
                             api::Respond& respond, const Frame& frame) {
  if (path != "/admin/platform" && path.rfind("/admin/platform/", 0) != 0) return false;
  if (!p.platform_operator)
    return respond(html(403, forbidden_page(frame, "the platform operator's screen"))), true;
  const bool post = req.method == "POST";
  const Target form = parse_target("?" + (post ? req.body : std::string()));
  const std::string ip = client_ip(req);
  auto screen = [&](int status, std::string notice, std::string error) {
    auto v = read_platform(directory_, store_);
    if (!v) return respond(html(500, forbidden_page(frame, "reading the platform now")));
    v->notice = std::move(notice);
    v->error = std::move(error);
    respond(html(status, platform_page(frame, v.value())));
  };
  if (!post) {
    if (path != "/admin/platform") return respond(html(404, not_found_page(frame, "such page"))), true;
    return screen(200, "", ""), true;
  }
  if (!same_secret(frame.csrf, form.param("csrf").value_or("")))
    return respond(html(403, forbidden_page(frame, "this form without its token (reload the page)"))), true;

  if (path == "/admin/platform/suppressions") {
    const std::string address = form.param("address").value_or("");
    const std::string reason = form.param("reason").value_or("");
    if (reason.find_first_not_of(" \t") == std::string::npos || reason.size() > 500)
      return screen(422, "", "A reason is required (500 characters at most)."), true;
    store::SuppressionRow row;
    if (auto email = normalize_email(address)) {
      row.channel = Channel::kEmail;
      row.contact = directory_.hasher().hash(Channel::kEmail, email.value());
    } else if (auto phone = normalize_phone(address, "US")) {
      row.channel = Channel::kSms;
      row.contact = directory_.hasher().hash(Channel::kSms, phone.value());
    } else {
      return screen(422, "", "That is not an email address or phone number."), true;
    }
    row.since = now_micros();
    row.reason = "platform: " + reason;
    if (auto s = store_.put_platform_suppression(row); !s)
      return screen(500, "", "The suppression could not be stored; nothing changed."), true;
    if (writes_.gate)
      if (auto s = writes_.gate->refresh_platform(store_); !s)
        spdlog::warn("platform suppression refresh: {}", s.error().message);
    // The audit names the channel and reason, not the address (it is personal data of someone who asked
    // not to be contacted).
    (void)writes_.audit.record({"", p.account_id, "platform.suppress",
                                std::string(channel_name(row.channel)) + ": " + reason, ip, row.since});
    return screen(200, std::string("Blocked on every organization (") + channel_name(row.channel) + ").", ""),
           true;
  }

  if (path == "/admin/platform/review") {
    // The review queue's decision: the service `tocsin review approve|reject` calls
    // (oversight/content_review.h).
    const std::string decision = form.param("decision").value_or("");
    if (decision != "approve" && decision != "reject")
      return respond(html(400, forbidden_page(frame, "a decision other than approve or reject"))), true;
    oversight::ReviewDecision d;
    d.org_id = form.param("org").value_or("");
    d.message_id = form.param("message").value_or("");
    d.approve = decision == "approve";
    d.by = p.email.empty() ? p.account_id : p.email;
    d.note = form.param("note").value_or("");
    d.actor = p.account_id;
    d.ip = ip;
    auto out = oversight::decide_review(store_, writes_.audit, d);
    if (!out) {
      const int status = out.error().http_status == 404 ? 404 : 422;
      return screen(status, "", out.error().message), true;
    }
    return screen(200,
                  std::string(d.approve ? "Approved: " : "Rejected: ") + "message " + d.message_id +
                      (d.approve ? " is a draft again; the organization's next send goes."
                                 : " is stopped; the organization reads the note."),
                  ""),
           true;
  }

  if (std::string case_id = id_in(path, "/admin/platform/abuse/", "/close"); !case_id.empty()) {
    // Closing a case: the service `tocsin abuse close` calls (oversight/abuse_close.h).
    const std::string action = form.param("action").value_or("none");
    oversight::CaseClose how;
    how.case_id = case_id;
    how.reason = form.param("reason").value_or("");
    how.actor = p.account_id;
    how.ip = ip;
    if (action == "none")
      how.action = oversight::CaseAction::kNone;
    else if (action == "disable-sender")
      how.action = oversight::CaseAction::kDisableSender;
    else if (action == "take-down-page")
      how.action = oversight::CaseAction::kTakeDownPage;
    else if (action == "stop-message")
      how.action = oversight::CaseAction::kStopMessage;
    else
      return screen(422, "", "Unknown action: choose one of the list."), true;
    auto out = oversight::close_abuse_case(store_, writes_.audit, how);
    if (!out) {
      const int status = out.error().http_status == 404 ? 404 : 422;
      return screen(status, "", out.error().message), true;
    }
    return screen(200, "Case " + case_id + " closed: " + out->resolution, ""), true;
  }

  struct StandingForm {
    const char* suffix;
    oversight::StandingVerb verb;
  };
  for (const StandingForm& sf : {StandingForm{"/trust", oversight::StandingVerb::kTrust},
                                 StandingForm{"/untrust", oversight::StandingVerb::kUntrust},
                                 StandingForm{"/resume-email", oversight::StandingVerb::kResumeEmail},
                                 StandingForm{"/resume-texts", oversight::StandingVerb::kResumeTexts}}) {
    const std::string org_id = id_in(path, "/admin/platform/orgs/", sf.suffix);
    if (org_id.empty()) continue;
    // The standing levers: the service `tocsin org trust|untrust|resume` calls (oversight/org_standing.h).
    if (!directory_.find(org_id)) return respond(html(404, not_found_page(frame, "such organization"))), true;
    auto out = oversight::change_standing(
        store_, writes_.audit, {org_id, sf.verb, form.param("reason").value_or(""), p.account_id, ip});
    if (!out) return screen(422, "", out.error().message), true;
    return screen(200, "Done (" + out->action + "); the server applies it within a second.", ""), true;
  }

  const bool suspend = !id_in(path, "/admin/platform/orgs/", "/suspend").empty();
  const std::string org_id = id_in(path, "/admin/platform/orgs/", suspend ? "/suspend" : "/unsuspend");
  if (org_id.empty()) return respond(html(404, not_found_page(frame, "such form"))), true;
  people::OrgState* org = directory_.find(org_id);
  if (!org) return respond(html(404, not_found_page(frame, "such organization"))), true;
  const std::string reason = form.param("reason").value_or("");
  if (suspend && (reason.find_first_not_of(" \t") == std::string::npos || reason.size() > 500))
    return screen(422, "", "A reason is required to suspend: it is shown with every refusal."), true;
  messaging::commit_org_write(
      writes_.committer, *org,
      [suspend, reason](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
        messaging::Settings next = o.messaging.settings();
        if (next.suspended == suspend) return std::string("unchanged");
        next.suspended = suspend;
        next.suspended_reason = suspend ? reason : "";
        o.messaging.put_settings(w, std::move(next));
        return std::string();
      },
      [this, respond = std::move(respond), frame, account = p.account_id, ip, org_id, suspend,
       reason](Result<std::string> r) {
        if (!r) return respond(html(500, forbidden_page(frame, "changing the suspension now")));
        if (r.value() != "unchanged")
          (void)writes_.audit.record({org_id, account, suspend ? "platform.suspend" : "platform.unsuspend",
                                      suspend ? reason : std::string(), ip, now_micros()});
        respond(redirect("/admin/platform#org-" + org_id));
      });
  return true;
}

}  // namespace tocsin::web::admin
