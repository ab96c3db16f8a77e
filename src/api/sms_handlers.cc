// SMS gateway callbacks (docs/SMS.md):
//   GET|POST /sms/kannel/mo      smsbox sms-service get-url (sms::kannel_get_url): an inbound text
//   GET|POST /sms/kannel/dlr     the dlr-url KannelDriver sends with each text: a delivery report
//   POST     /sms/twilio/inbound Twilio-compatible incoming-message webhook
//   POST     /sms/twilio/status  Twilio-compatible StatusCallback
// Kannel callbacks carry the shared secret [sms] kannel_secret (compared in constant time); Twilio's are
// signed (X-Twilio-Signature over public_url + the request target and the POST fields, [sms]
// twilio_auth_token). Anything not authentic is 403, malformed 400, an unknown number or delivery 404; each
// refusal is logged and changes nothing.
//
// An inbound text is applied (messaging/sms_inbound.h) in one committer job and answered after it is
// durable and, for an opt-out, after the texts to that number that were at the gateway when it was applied
// have left (messaging/opt_out_fence.h): the HTTP thread waits for both, like POST /mail/inbound; inbound
// texts are few next to API traffic.
// The answer to smsbox is 200 with an empty body (smsbox would text a non-empty body back to the phone if
// its sms-service allowed replies; tocsin's replies go through the gate instead), to Twilio an empty TwiML
// <Response/>. Keyword replies are then sent by messaging::SmsReplies.
#include <spdlog/spdlog.h>

#include "api/handlers.h"
#include "core/ids.h"
#include "messaging/gate_wiring.h"
#include "messaging/opt_out_fence.h"
#include "messaging/sms_inbound.h"
#include "messaging/sms_receipts.h"
#include "messaging/sms_replies.h"
#include "messaging/texts_pause.h"
#include "sms/kannel_inbound.h"
#include "sms/twilio_inbound.h"

namespace tocsin::api::handlers {
namespace {

// A callback is a few form fields; a text is at most a few KB even when concatenated.
constexpr size_t kMaxCallbackBytes = 64 * 1024;

using Answer = void (*)(Call&);

void answer_kannel(Call& c) {
  c.reply(200, "", {{"Content-Type", "text/plain; charset=utf-8"}});
}

void answer_twilio(Call& c) {
  c.reply(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>",
          {{"Content-Type", "text/xml; charset=utf-8"}});
}

void refuse(Call& c, std::string_view what, const Error& e) {
  spdlog::warn("{} from {} refused ({}): {}", what, c.req.remote_ip, e.http_status, e.message);
  c.error(e);
}

// Kannel's fields: the query string (get-url, dlr-url), plus a form body when a post-url sends one.
sms::FormParams kannel_params(const Call& c) {
  std::string_view target = c.req.target;
  size_t q = target.find('?');
  sms::FormParams p = q == std::string_view::npos ? sms::FormParams{} : sms::parse_form(target.substr(q + 1));
  const std::string* ct = c.req.header("content-type");
  if (c.req.method == "POST" && ct && ct->find("application/x-www-form-urlencoded") != std::string::npos)
    for (auto& kv : sms::parse_form(c.req.body)) p.push_back(std::move(kv));
  return p;
}

sms::TwilioWebhook twilio_hook(const Call& c) {
  const std::string* sig = c.req.header("x-twilio-signature");
  return {c.ctx.public_url + c.req.target, sms::parse_form(c.req.body), sig ? *sig : std::string()};
}

void inbound(Call& c, Result<sms::InboundText> parsed, const std::string& gateway, Answer ok) {
  std::string what = gateway + " inbound text";
  if (!parsed) return refuse(c, what, parsed.error());
  sms::InboundText t = std::move(parsed).value();
  auto route = messaging::route_inbound(c.ctx.directory, t.to);
  if (!route.org) return refuse(c, what, not_found("no organization texts from " + t.to));
  auto from = normalize_phone(t.from, route.org->org.default_region);
  if (!from) return refuse(c, what, bad_request("'from' is not a phone number: " + t.from));
  t.from = std::move(from).value();
  t.to = route.sender;
  if (t.gateway_message_id.empty()) t.gateway_message_id = new_uuid();
  const std::string* ua = c.req.header("user-agent");
  messaging::InboundSms in{std::move(t), gateway, c.req.remote_ip, ua ? *ua : gateway};
  people::OrgState& org = *route.org;

  // A gateway retries a callback it saw fail; the first delivery of it was applied and is not applied again.
  auto seen = c.ctx.store.org_doc(org.org.id, messaging::kInboundKind, in.id());
  if (!seen) return c.error(503, "cannot read the store; retry");
  if (seen.value()) {
    spdlog::info("{} {} repeated by the gateway; already applied", what, in.id());
    return ok(c);
  }

  messaging::InboundResult result;
  c.ctx.committer.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(org.org.id);
    std::unique_lock lock(org.mu);
    Micros now = now_micros();
    result = messaging::apply_inbound(org, w, in, now);
    // The opt-out-rate breaker: a sender whose opt-outs pass the limit pauses its blasts with this commit.
    if (c.ctx.gate && result.action == messaging::InboundAction::kOptedOut)
      (void)messaging::count_opt_out(c.ctx.gate->opt_outs(), org, w, in.text.to, now);
    return std::function<void()>{};
  });
  // The opt-out is visible to the gate and durable: answer once the texts to this number that took their
  // last look before it have left.
  if (c.ctx.opt_out_fence && result.action == messaging::InboundAction::kOptedOut)
    c.ctx.opt_out_fence->await_handovers(org.hasher->hash(Channel::kSms, in.text.from));
  spdlog::info("{} {} from {} to {}: {} {} -> {}{}{}", what, in.id(), messaging::log_number(in.text.from),
               in.text.to, sms::kind_name(result.intent.kind), result.intent.keyword,
               messaging::action_name(result.action), result.note.empty() ? "" : "; ", result.note);
  if (result.reply && c.ctx.sms_replies) c.ctx.sms_replies->post(std::move(*result.reply));
  ok(c);
}

void receipt(Call& c, Result<sms::DeliveryReceipt> parsed, const std::string& gateway) {
  std::string what = gateway + " delivery receipt";
  if (!parsed) return refuse(c, what, parsed.error());
  const sms::DeliveryReceipt& r = parsed.value();
  JsonOut j;
  j.begin().kv("delivery", r.delivery_id).kv("receipt", sms::receipt_status_name(r.status));
  if (r.delivery_id.rfind(messaging::kReplyDeliveryPrefix, 0) == 0) {
    // A keyword reply: not a delivery of a message, nothing to update.
    return c.reply(200, j.kv("tracked", false).end().take());
  }
  auto judged = messaging::judge_receipt(c.ctx.store, c.ctx.directory, r, now_micros());
  if (!judged) return refuse(c, what, judged.error());
  const messaging::ReceiptOutcome& out = judged->outcome;
  j.kv("tracked", true).kv("state", messaging::delivery_state_name(out.state)).kv("changed", out.changed);
  if (!judged->write) return c.reply(200, j.end().take());
  // One final receipt per text arrives at the blast's rate: through the group committer they share fsyncs
  // (a transaction each held an HTTP thread for a whole fsync). Answered once durable, so a gateway that
  // hears 200 will not need to repeat it.
  spdlog::debug("{}: delivery {} {}", what, r.delivery_id, messaging::delivery_state_name(out.state));
  // An undelivered or carrier-refused text may pass the organization's undeliverable-rate limit: the pause
  // is then written in the same commit as this receipt (messaging/texts_pause.h).
  bool undeliverable =
      out.state == store::DeliveryState::kBounced || out.state == store::DeliveryState::kFailed;
  auto pause = messaging::texts_pause_due(c.ctx.store, judged->org_id, out.message_id, undeliverable,
                                          c.ctx.settings.pause);
  if (!pause) return refuse(c, what, pause.error());
  people::OrgState* org = pause.value() ? c.ctx.directory.find(judged->org_id) : nullptr;
  auto call = std::make_shared<Call>(std::move(c));
  auto body = std::make_shared<std::string>(j.end().take());
  call->ctx.committer.submit([call, body, org, reason = pause.value(), org_id = judged->org_id,
                              write = std::move(*judged->write)](store::WriteBatch& b) mutable {
    auto w = b.for_org(org_id);
    w.add(std::move(write));
    if (org && reason) {
      std::unique_lock lock(org->mu);
      messaging::pause_texts(*org, w, *reason, now_micros());
    }
    return std::function<void()>([call, body] { call->reply(200, std::move(*body)); });
  });
}

}  // namespace

void sms(Call& c) {
  if (c.seg.size() != 3) return c.error(404, "not found");
  const std::string& gateway = c.seg[1];
  const std::string& kind = c.seg[2];
  bool kannel = gateway == "kannel" && (kind == "mo" || kind == "dlr");
  bool twilio = gateway == "twilio" && (kind == "inbound" || kind == "status");
  if (!kannel && !twilio) return c.error(404, "not found");
  if (kannel && c.req.method != "GET" && c.req.method != "POST")
    return c.reply(405, error_body("use GET or POST"), {{"Allow", "GET, POST"}});
  if (twilio && c.req.method != "POST") return c.reply(405, error_body("use POST"), {{"Allow", "POST"}});
  if (c.req.body.size() > kMaxCallbackBytes || c.req.target.size() > kMaxCallbackBytes)
    return refuse(c, gateway + " callback", Error{413, "callback too large"});

  const ApiSettings& cfg = c.ctx.settings;
  if (kannel) {
    auto params = kannel_params(c);
    if (kind == "mo")
      return inbound(c, sms::parse_kannel_mo(params, cfg.kannel_secret), gateway, answer_kannel);
    return receipt(c, sms::parse_kannel_dlr(params, cfg.kannel_secret), gateway);
  }
  auto hook = twilio_hook(c);
  if (kind == "inbound")
    return inbound(c, sms::parse_twilio_inbound(hook, cfg.twilio_auth_token), gateway, answer_twilio);
  receipt(c, sms::parse_twilio_status(hook, cfg.twilio_auth_token), gateway);
}

}  // namespace tocsin::api::handlers
