// The console's inbox (web/admin/inbox_screen.h) and staff replies to it. A reply is a text in a conversation
// the person started, rendered as every text is (brand, and the opt-out line in a first text): the gate
// judges it as policy::MessageKind::kReply (consent and opt-outs apply, quiet hours and caps do not) now, so
// a refusal is shown with its sentence, and again when it leaves (messaging::SmsReplies, the keyword replies'
// sender, on its own thread), so an opt-out that lands in between still stops it. Audited as `inbox.reply`.
#include "core/query_string.h"
#include "messaging/blast_control.h"
#include "messaging/gate_wiring.h"
#include "messaging/render.h"
#include "messaging/sms_replies.h"
#include "policy/decision.h"
#include "web/admin/console.h"
#include "web/admin/console_response.h"
#include "web/admin/inbox_screen.h"

namespace tocsin::web::admin {

bool Console::route_inbox(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                          const std::string& path, api::Respond& respond, const Frame& frame) {
  if (path != "/admin/inbox" && path != "/admin/inbox/reply") return false;
  if (!p.can(staff::Permission::kRead))
    return respond(html(403, forbidden_page(frame, "reading the inbox"))), true;
  auto screen = [&](int status, const std::string& notice, bool refused) {
    auto inbox = read_inbox(org, store_.scope(org.org.id));
    if (!inbox) return respond(html(500, forbidden_page(frame, "reading the inbox now")));
    auto shown = inbox->person_ids;
    release_read(p, org, req, "console.inbox", std::move(shown),
                 html(status, inbox_page(frame, *inbox, now_micros(), notice, refused)), std::move(respond));
  };
  if (req.method != "POST") {
    if (path != "/admin/inbox")
      return respond(html(405, forbidden_page(frame, "this page without its form"))), true;
    return screen(200, "", false), true;
  }
  if (path != "/admin/inbox/reply") return respond(html(405, "method not allowed")), true;
  if (!p.can(staff::Permission::kSend))
    return respond(html(403, forbidden_page(frame, "replying to texts (viewers read only)"))), true;
  const Target form = parse_target("?" + req.body);
  const std::string inbound_id = form.param("inbound").value_or("");
  const std::string text = form.param("text").value_or("");
  if (inbound_id.empty() || inbound_id.size() > 200)
    return respond(html(400, forbidden_page(frame, "this form without the text it answers"))), true;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos || text.size() > 918)
    return screen(422, "Write a reply of 1 to 918 characters.", true), true;
  if (!writes_.sms_replies || !writes_.gate)
    return screen(503, "Replies are not available on this server.", true), true;
  auto doc = store_.scope(org.org.id).doc(messaging::kInboundKind, inbound_id);
  if (!doc) return respond(html(500, forbidden_page(frame, "reading the inbox now"))), true;
  if (!doc.value()) return respond(html(404, not_found_page(frame, "such text"))), true;  // another org's too
  auto in = messaging::decode_inbound(doc.value()->doc);
  if (!in) return respond(html(500, forbidden_page(frame, "reading this text now"))), true;
  if (!repliable(*in, now_micros()))
    return screen(
               409,
               "This text can no longer be answered as a reply (only texts without a keyword, for 24 hours "
               "after they arrived). Send a message instead.",
               true),
           true;

  if (text.find("{{") != std::string::npos)
    return screen(422, "A reply is sent as written: it cannot hold merge fields ({{...}}).", true), true;

  messaging::KeywordReply reply;
  reply.org_id = org.org.id;
  reply.kind = policy::MessageKind::kReply;
  reply.to = in->from;
  reply.contact = org.hasher->hash(Channel::kSms, in->from);
  reply.sender = in->to;
  // As every text is sent: the brand first (SMS-X1) and, in the first text the number ever gets from the
  // organization, how to opt out (messaging::render_sms, the blasts' own rendering).
  std::string brand;
  {
    std::shared_lock lock(org.mu);
    brand = messaging::brand_of(org);
  }
  reply.body = messaging::render_sms(
      text, brand, !writes_.gate->sends().ever_sent(org.org.id, Channel::kSms, reply.contact), {});
  policy::Decision d = writes_.gate->gate().plan(
      policy::OutboundSms{reply.org_id, policy::Recipient{reply.to, reply.contact, std::nullopt}, reply.kind,
                          false, 1, reply.sender, reply.body});
  if (!d.sends())
    return screen(422,
                  "Not sent: " +
                      (d.sentence.empty() ? std::string(policy::reason_sentence(d.reason)) : d.sentence),
                  true),
           true;
  writes_.sms_replies->post(std::move(reply));
  (void)writes_.audit.record(
      {org.org.id, p.account_id, "inbox.reply", inbound_id, client_ip(req), now_micros()});
  screen(200, "Reply queued for " + in->from + ": the gateway's answer is in the server's log.", false);
  return true;
}

}  // namespace tocsin::web::admin
