#include "sms/kannel_driver.h"

#include "core/text.h"
#include "policy/sms_segments.h"
#include "sms/http_client.h"

namespace tocsin::sms {

using Outcome = SmsHandover::Outcome;

std::string KannelDriver::request_url(const policy::OutboundSms& m, const std::string& delivery_id) const {
  std::vector<std::pair<std::string, std::string>> q = {
      {"username", config_.username},
      {"password", config_.password},
      {"from", m.sender},
      {"to", m.to.address},
      {"text", m.body},
      {"charset", "UTF-8"},
  };
  if (policy::count_segments(m.body).encoding == policy::SmsEncoding::kUcs2) q.emplace_back("coding", "2");
  if (!config_.smsc_id.empty()) q.emplace_back("smsc", config_.smsc_id);
  if (!config_.dlr_url.empty()) {
    // The escapes stay literal here; smsbox fills them in when it calls back.
    std::string dlr = config_.dlr_url + (config_.dlr_url.find('?') == std::string::npos ? "?" : "&") +
                      form_encode({{"delivery", delivery_id}, {"secret", config_.dlr_secret}}) +
                      "&type=%d&answer=%A&ts=%T";
    q.emplace_back("dlr-mask", std::to_string(config_.dlr_mask));
    q.emplace_back("dlr-url", dlr);
  }
  return config_.sendsms_url + "?" + form_encode(q);
}

SmsHandover KannelDriver::interpret(long status, const std::string& body,
                                    const std::string& transport_error) {
  if (status == 0) return {Outcome::kTemporary, "", "Kannel unreachable: " + transport_error};
  std::string answer(trim_ascii_space(body));
  std::string detail = "Kannel answered " + std::to_string(status) + (answer.empty() ? "" : ": " + answer);
  if (status >= 200 && status < 300) return {Outcome::kAccepted, "", detail};
  if (status == 503 || status == 429) return {Outcome::kThrottled, "", detail};
  if (status >= 500) return {Outcome::kTemporary, "", detail};
  return {Outcome::kRejected, "", detail};
}

SmsHandover KannelDriver::send(const policy::ClearedSms& cleared, const std::string& delivery_id) {
  HttpRequest req;
  req.method = "GET";
  req.url = request_url(cleared.message(), delivery_id);
  req.timeout_ms = config_.timeout_ms;
  HttpResponse res = http_request(req);
  return interpret(res.status, res.body, res.error);
}

}  // namespace tocsin::sms
