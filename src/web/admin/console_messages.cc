// The console's messages screens and forms (web/admin/message_screens.h), on the services the API's message
// helpers use (messaging/blast_control.h): a draft passes messaging::check_draft, the preflight is
// messaging::preflight, Send is messaging::start_blast and Stop messaging::stop_blast — so every message
// still goes through the one gate, and the console cannot clear what the API would refuse.
#include "core/clock.h"
#include "core/ids.h"
#include "core/query_string.h"
#include "messaging/audience.h"
#include "messaging/blast_control.h"
#include "messaging/dispatcher.h"
#include "messaging/gate_wiring.h"
#include "messaging/mail_content.h"
#include "messaging/media_refusal.h"
#include "messaging/render.h"
#include "web/admin/console.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"
#include "web/admin/email_preview.h"
#include "web/admin/message_screens.h"
#include "web/admin/person_view.h"

namespace tocsin::web::admin {
namespace {

using messaging::Message;
using messaging::MessageStatus;

ComposeForm compose_of(const Target& form) {
  ComposeForm f;
  f.channel = form.param("channel").value_or("email") == "sms" ? "sms" : "email";
  for (auto [key, field] : {std::pair{"name", &f.name},
                            {"subject", &f.subject},
                            {"from", &f.from},
                            {"from_address", &f.from_address},
                            {"reply_to", &f.reply_to},
                            {"body", &f.body},
                            {"sms_sender", &f.sms_sender},
                            {"purpose", &f.purpose}})
    *field = form.param(key).value_or("");
  f.marketing = form.param("marketing").has_value();
  f.format = form.param("format").value_or("html") == "markdown" ? "markdown" : "html";
  auto [b, e] = form.query.equal_range("target");
  for (auto it = b; it != e && f.targets.size() < 100; ++it) f.targets.push_back(it->second);
  return f;
}

// The targets by name, for the message page.
std::string targets_label(const people::OrgState& org, const Message& m) {
  const auto choices = compose_choices(org);
  std::string out;
  for (const auto& t : compose_form_of(m).targets) {
    std::string label = t;
    for (const auto& c : choices.targets)
      if (c.value == t) label = c.label;
    out += (out.empty() ? "" : "; ") + label;
  }
  return out.empty() ? std::string("nobody yet") : out;
}

// When the person asked for it (?live=1), a sending message's page reloads itself every 5 seconds: a
// `Refresh` header, since the console runs no script.
api::Response live(api::Response r) {
  r.headers.push_back({"Refresh", "5"});
  return r;
}

}  // namespace

bool Console::route_messages(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                             const std::string& path, api::Respond& respond, const Frame& frame) {
  const bool post = req.method == "POST";
  const Target url = parse_target(req.target);
  const Target form = parse_target("?" + (post ? req.body : std::string()));
  const std::string ip = client_ip(req);
  auto refuse = [&](int status, const std::string& what) {
    respond(html(status, forbidden_page(frame, what)));
  };
  auto compose_screen = [&](int status, const ComposeForm& f) {
    ComposeChoices choices;
    {
      std::shared_lock lock(org.mu);
      choices = compose_choices(org);
    }
    respond(allow_own_scripts(html(status, compose_page(frame, f, choices))));
  };
  // Saves the form as a draft (new, or the draft `id`) through check_draft, then shows its preflight.
  auto save = [&](const std::string& id) {
    ComposeForm typed = compose_of(form);
    typed.id = id;
    // Media is refused, never dropped (messaging/media_refusal.h): a multipart upload or a media field.
    const std::string* type = req.header("content-type");
    const bool multipart = type && type->rfind("multipart/", 0) == 0;
    for (std::string_view field : messaging::kMediaFields)
      if (multipart || form.param(std::string(field))) {
        typed.error = messaging::media_refusal(multipart ? std::string_view("upload") : field);
        return compose_screen(422, typed);
      }
    Message m;
    if (!id.empty()) {
      std::shared_lock lock(org.mu);
      const Message* existing = org.messaging.message(id);
      if (!existing) return respond(html(404, not_found_page(frame, "such message")));
      m = *existing;
    }
    if (auto s = apply_compose_form(typed, m); !s) {
      typed.error = s.error().message;
      return compose_screen(422, typed);
    }
    {
      std::shared_lock lock(org.mu);
      if (auto s = messaging::check_draft(org, m); !s) {
        typed.error = s.error().message;
        return compose_screen(422, typed);
      }
    }
    auto draft = std::make_shared<Message>(std::move(m));
    commit_and_go(
        p, org, id.empty() ? "messages.create" : "messages.edit", id, ip,
        [draft, id](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
          Message next = *draft;
          if (id.empty()) {
            next.id = new_uuid();
            next.created = now;
          } else {
            const Message* existing = o.messaging.message(id);
            if (!existing) return not_found("no such message");
            // A held message can be edited: it becomes a draft again, screened anew when sent (as over the
            // API).
            if (existing->status != MessageStatus::kDraft && existing->status != MessageStatus::kHeld)
              return bad_request("only a draft can be edited; this message is " +
                                 std::string(messaging::status_name(existing->status)));
            next.status = MessageStatus::kDraft;
            next.status_reason.clear();
          }
          // An edit asks anew: an approval covers only what the approver saw.
          next.approval_requested_by.clear();
          next.approval_requested_at = 0;
          next.modified = now;
          o.messaging.put_message(w, next);
          return id.empty() ? next.id : std::string();
        },
        "/admin/messages/" + id,
        [frame, typed, &org](const Error& e) {
          ComposeForm again = typed;
          again.error = e.message;
          ComposeChoices choices;
          {
            std::shared_lock lock(org.mu);
            choices = compose_choices(org);
          }
          return allow_own_scripts(
              html(e.http_status == 404 ? 404 : 422, compose_page(frame, again, choices)));
        },
        std::move(respond));
  };

  if (path == "/admin/messages") {
    if (!post) {
      if (!p.can(staff::Permission::kRead)) return refuse(403, "reading messages"), true;
      std::vector<MessageRow> rows;
      {
        std::shared_lock lock(org.mu);
        rows = list_messages(org);
      }
      return respond(html(200, messages_page(frame, rows))), true;
    }
    if (!p.can(staff::Permission::kSend)) return refuse(403, "composing messages (viewers read only)"), true;
    return save(""), true;
  }
  if (path == "/admin/messages/new") {
    if (!p.can(staff::Permission::kSend)) return refuse(403, "composing messages (viewers read only)"), true;
    ComposeForm f;
    f.channel = url.param("channel").value_or("email") == "sms" ? "sms" : "email";
    return compose_screen(200, f), true;
  }

  if (std::string id = id_in(path, "/admin/messages/", "/preview"); !id.empty()) {
    if (post) return refuse(405, "the preview with a form"), true;
    if (!p.can(staff::Permission::kRead)) return refuse(403, "reading messages"), true;
    std::optional<messaging::MailContent> content;
    {
      std::shared_lock lock(org.mu);
      const Message* m = org.messaging.message(id);
      if (m && m->channel == Channel::kEmail) content = messaging::mail_content_of(org, *m);
    }
    if (!content) return respond(html(404, not_found_page(frame, "such email"))), true;
    return respond(email_preview(*content)), true;
  }
  for (std::string_view helper :
       {"/edit", "/send", "/schedule", "/unschedule", "/stop", "/pause", "/resume"}) {
    std::string id = id_in(path, "/admin/messages/", helper);
    if (id.empty()) continue;
    if (!p.can(staff::Permission::kSend)) return refuse(403, "sending or changing messages"), true;
    if (helper == "/edit") {
      if (post) return refuse(405, "this page without its form"), true;
      std::optional<ComposeForm> f;
      {
        std::shared_lock lock(org.mu);
        if (const Message* m = org.messaging.message(id)) f = compose_form_of(*m);
      }
      if (!f) return respond(html(404, not_found_page(frame, "such message"))), true;
      return compose_screen(200, *f), true;
    }
    if (!post) return refuse(405, "this page without its form"), true;
    bool needs_approval = false;
    std::string requested_by;
    {
      std::shared_lock lock(org.mu);
      needs_approval = org.messaging.settings().send_approval;
      const Message* m = org.messaging.message(id);
      if (!m) return respond(html(404, not_found_page(frame, "such message"))), true;
      requested_by = m->approval_requested_by;
    }
    const bool may_send = !needs_approval || p.can(staff::Permission::kApprove);
    if (helper == "/send" && !may_send) {
      // The organization's rule: an organizer's Send asks an admin to approve and send.
      commit_and_go(
          p, org, "messages.approval_requested", id, ip,
          [id, email = p.email](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                Micros now) -> Result<std::string> {
            const Message* existing = o.messaging.message(id);
            if (!existing) return not_found("no such message");
            if (auto s = messaging::ready_to_send(*existing); !s) return s.error();
            if (!existing->approval_requested_by.empty()) return std::string("unchanged");
            Message next = *existing;
            next.approval_requested_by = email;
            next.approval_requested_at = now;
            next.modified = now;
            o.messaging.put_message(w, std::move(next));
            return std::string();
          },
          "/admin/messages/" + id,
          [frame](const Error& e) {
            return html(e.http_status == 404 ? 404 : 400,
                        e.http_status == 404 ? not_found_page(frame, "such message")
                                             : forbidden_page(frame, "asking for approval: " + e.message));
          },
          std::move(respond));
      return true;
    }
    if (helper == "/schedule" && !may_send)
      return refuse(403, "scheduling before an admin approves (ask for approval with Send)"), true;
    if (helper == "/send") {
      if (!writes_.dispatcher) return refuse(503, "sending on this server (it has no dispatcher)"), true;
      auto back = std::make_shared<api::Respond>(std::move(respond));
      // The Send form carries what its sender saw: a draft edited since is not sent unseen.
      std::function<Status(const Message&)> as_seen;
      if (auto seen = form.param("seen"); seen)
        as_seen = [seen = *seen](const Message& m) -> Status {
          if (approval_seen(m) != seen)
            return Error{409, "the draft changed since you opened it; look at it again before sending"};
          return Ok{};
        };
      const bool approving = needs_approval && !requested_by.empty();
      messaging::start_blast(
          {writes_.committer, *writes_.dispatcher, writes_.gate}, org, id, std::move(as_seen),
          // Targeting by special-category data is a use of it, logged as the API logs it.
          [this, &org, id, actor = "staff:" + p.account_id, ip](const messaging::PlanSummary& sum) {
            if (sum.special_category_used.empty() || !writes_.access_log) return;
            writes_.access_log->record({org.org.id,
                                        actor,
                                        ip,
                                        std::string(messaging::kSpecialCategoryUseAction),
                                        messaging::special_category_use_query(id, sum.special_category_used),
                                        {},
                                        sum.targeted},
                                       [] {});
          },
          [this, back, frame, id, org_id = org.org.id, account = p.account_id, ip,
           approving](Result<messaging::BlastStart> r) {
            if (!r && r.error().http_status == 404)
              return (*back)(html(404, not_found_page(frame, "such message")));
            if (!r)
              return (*back)(
                  html(r.error().http_status, forbidden_page(frame, "sending it: " + r.error().message)));
            if (approving)
              (void)writes_.audit.record({org_id, account, "messages.approve", id, ip, now_micros()});
            (void)writes_.audit.record(
                {org_id, account, r->held ? "messages.held" : "messages.send", id, ip, now_micros()});
            (*back)(redirect("/admin/messages/" + id));
          });
      return true;
    }
    if (helper == "/stop") {
      if (!writes_.dispatcher) return refuse(503, "sending on this server (it has no dispatcher)"), true;
      auto stopped = messaging::stop_blast(*writes_.dispatcher, org, id);
      if (!stopped && stopped.error().http_status == 404)
        return respond(html(404, not_found_page(frame, "such message"))), true;
      if (!stopped) return refuse(400, "stopping it: " + stopped.error().message), true;
      (void)writes_.audit.record({org.org.id, p.account_id, "messages.stop", id, ip, now_micros()});
      return respond(redirect("/admin/messages/" + id)), true;
    }
    if (helper == "/pause" || helper == "/resume") {
      // Pause: the dispatcher hands over nothing more (after the rounds already with the workers) until staff
      // resume it; Stop ends it for good.
      const bool pause = helper == "/pause";
      commit_and_go(
          p, org, pause ? "messages.pause" : "messages.resume", id, ip,
          [id, by = pause ? p.email : std::string()](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                                     Micros now) -> Result<std::string> {
            const Message* m = o.messaging.message(id);
            if (m && !by.empty() && !m->paused_by.empty())
              return std::string("unchanged");  // not audited twice
            if (auto s = messaging::pause_by_staff(o, w, id, by, now); !s) return s.error();
            return std::string();
          },
          "/admin/messages/" + id,
          [frame, pause](const Error& e) {
            return html(e.http_status == 404 ? 404 : 400,
                        e.http_status == 404
                            ? not_found_page(frame, "such message")
                            : forbidden_page(
                                  frame, std::string(pause ? "pausing" : "resuming") + " it: " + e.message));
          },
          std::move(respond));
      return true;
    }
    // Schedule (a time in UTC from a datetime-local field) and unschedule, as the API's schedule helper.
    std::optional<Micros> at;
    if (helper == "/schedule") {
      std::string when = form.param("at").value_or("");
      if (when.size() == 16) when += ":00";  // datetime-local without seconds
      at = parse_iso8601(when + "Z");
      if (!at) return refuse(400, "scheduling without a date and time"), true;
      if (*at <= now_micros()) return refuse(400, "scheduling it in the past"), true;
    }
    const bool cancel = helper == "/unschedule";
    commit_and_go(
        p, org, cancel ? "messages.unschedule" : "messages.schedule", id, ip,
        [id, at](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
          if (auto s = messaging::reschedule(o, w, id, at, now); !s) return s.error();
          return std::string();
        },
        "/admin/messages/" + id,
        [frame](const Error& e) {
          return html(e.http_status == 404 ? 404 : 400, e.http_status == 404
                                                            ? not_found_page(frame, "such message")
                                                            : forbidden_page(frame, "this: " + e.message));
        },
        std::move(respond));
    return true;
  }

  std::string id = id_in(path, "/admin/messages/", "");
  if (id.empty()) return false;
  if (post) {
    if (!p.can(staff::Permission::kSend)) return refuse(403, "changing messages (viewers read only)"), true;
    return save(id), true;
  }
  if (!p.can(staff::Permission::kRead)) return refuse(403, "reading messages"), true;
  MessageScreen s;
  s.can_send = p.can(staff::Permission::kSend);
  s.can_approve = p.can(staff::Permission::kApprove);
  s.live = url.param("live").has_value();
  s.price_per_segment = options_.sms_price_per_segment;
  s.price_currency = options_.sms_price_currency;
  {
    std::shared_lock lock(org.mu);
    const Message* m = org.messaging.message(id);
    if (!m) return respond(html(404, not_found_page(frame, "such message"))), true;
    s.message = *m;
    s.targets_label = targets_label(org, *m);
    if (m->channel == Channel::kSms) {
      auto view = org.messaging.gate_view();
      s.text_preview =
          messaging::render_sms(m->body, view ? view->brand_name : org.org.name, true, preview_sample());
    }
    s.needs_approval = org.messaging.settings().send_approval;
  }
  const Message& m = s.message;
  std::vector<std::string> shown;
  if (m.status == MessageStatus::kDraft || m.status == MessageStatus::kHeld) {
    if (!writes_.gate) {
      s.preflight_error = "No preflight on this server (it has no gate).";
    } else {
      const policy::Gate& gate = writes_.gate->gate();
      const messaging::Dispatcher* dispatcher = writes_.dispatcher;
      auto count = [&org, &gate, dispatcher, id] {
        return count_preflight(org, gate, dispatcher, id, kDrillDownPeople);
      };
      std::shared_ptr<const CountedPreflight> counted;
      if (!counts_later(org)) {
        counted = std::make_shared<const CountedPreflight>(count());
      } else {
        auto seen = preflights_.get(org.org.id + " " + id, preflight_revision(org, m), count, kWaitForCount);
        counted = seen.value;
        s.preflight_counted_at = seen.computed_at;
        s.preflight_recounting = !seen.current;
        s.preflight_counting = !seen.value;
      }
      if (counted && !counted->preflight) s.preflight_error = counted->error;
      if (counted && counted->preflight) {
        s.preflight = counted->preflight;
        if (const std::string reason = url.param("reason").value_or(""); !reason.empty()) {
          // The drill-down: who this reason leaves out or holds back, by name.
          s.drill_reason = reason;
          if (auto n = counted->people_by_reason.find(reason); n != counted->people_by_reason.end())
            s.drilled_total = n->second;
          if (auto first = counted->first_people.find(reason); first != counted->first_people.end()) {
            std::shared_lock lock(org.mu);
            for (const std::string& person_id : first->second) {
              s.drilled.push_back({person_id, person_label(org.find_person(person_id))});
              shown.push_back(person_id);
            }
          }
        }
      }
    }
  }
  if (m.status != MessageStatus::kDraft && m.status != MessageStatus::kScheduled && writes_.dispatcher) {
    if (auto c = writes_.dispatcher->counts(org.org.id, id)) s.counts = std::move(c).value();
    // Over time: the hourly counts the database keeps as deliveries change (migration 12).
    if (auto h = store_.scope(org.org.id).delivery_hours(id)) s.hours = std::move(h).value();
  }
  api::Response r = html(200, message_page(frame, s));
  if (s.live && m.status == MessageStatus::kSending) r = live(std::move(r));
  if (s.preflight_counting) r.headers.push_back({"Refresh", "3"});
  if (shown.empty()) return respond(std::move(r)), true;
  release_read(p, org, req, "console.message_preflight_people", std::move(shown), std::move(r),
               std::move(respond));
  return true;
}

}  // namespace tocsin::web::admin
