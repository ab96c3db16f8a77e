#include "sms/twilio_driver.h"

#include <simdjson.h>

#include "sms/http_client.h"

namespace tocsin::sms {
namespace {

using Outcome = SmsHandover::Outcome;

struct TwilioAnswer {
  std::string sid;
  std::string status;
  std::string code;  // error code, as text ("21211"); Twilio sends a number
  std::string message;
};

std::string field_text(simdjson::dom::element e) {
  if (e.is_string()) return std::string(std::string_view(e.get_string().value_unsafe()));
  if (e.is_int64()) return std::to_string(int64_t(e.get_int64().value_unsafe()));
  if (e.is_uint64()) return std::to_string(uint64_t(e.get_uint64().value_unsafe()));
  return {};
}

// Reads the fields we use; a body that is not a JSON object yields an empty answer (never throws).
TwilioAnswer parse_answer(const std::string& body) {
  TwilioAnswer a;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(body).get_object().get(o) != simdjson::SUCCESS) return a;
  simdjson::dom::element e;
  if (o["sid"].get(e) == simdjson::SUCCESS) a.sid = field_text(e);
  if (o["status"].get(e) == simdjson::SUCCESS) a.status = field_text(e);
  if (o["code"].get(e) == simdjson::SUCCESS) a.code = field_text(e);
  if (o["message"].get(e) == simdjson::SUCCESS) a.message = field_text(e);
  return a;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> TwilioDriver::form(const policy::OutboundSms& m,
                                                                    const std::string& delivery_id) const {
  std::vector<std::pair<std::string, std::string>> f = {{"To", m.to.address}};
  if (config_.messaging_service_sid.empty())
    f.emplace_back("From", m.sender);
  else
    f.emplace_back("MessagingServiceSid", config_.messaging_service_sid);
  f.emplace_back("Body", m.body);
  if (!config_.status_callback_url.empty()) {
    const std::string& cb = config_.status_callback_url;
    f.emplace_back("StatusCallback", cb + (cb.find('?') == std::string::npos ? "?" : "&") +
                                         form_encode({{"delivery", delivery_id}}));
  }
  return f;
}

SmsHandover TwilioDriver::interpret(long status, const std::string& body,
                                    const std::string& transport_error) {
  if (status == 0) return {Outcome::kTemporary, "", "gateway unreachable: " + transport_error};
  TwilioAnswer a = parse_answer(body);
  std::string detail = "HTTP " + std::to_string(status);
  if (!a.code.empty()) detail += ", error " + a.code;
  if (!a.message.empty()) detail += ": " + a.message;
  if (status >= 200 && status < 300) {
    if (a.sid.empty()) return {Outcome::kTemporary, "", detail + ": answer without a message sid"};
    return {Outcome::kAccepted, a.sid, a.status.empty() ? detail : "status " + a.status};
  }
  if (status == 429) return {Outcome::kThrottled, "", detail};
  if (status >= 500) return {Outcome::kTemporary, "", detail};
  return {Outcome::kRejected, "", detail};
}

SmsHandover TwilioDriver::send(const policy::ClearedSms& cleared, const std::string& delivery_id) {
  HttpRequest req;
  req.method = "POST";
  req.url = config_.base_url + "/2010-04-01/Accounts/" + url_escape(config_.account_sid) + "/Messages.json";
  req.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
  req.body = form_encode(form(cleared.message(), delivery_id));
  req.basic_user = config_.account_sid;
  req.basic_password = config_.auth_token;
  req.timeout_ms = config_.timeout_ms;
  HttpResponse res = http_request(req);
  return interpret(res.status, res.body, res.error);
}

}  // namespace tocsin::sms
