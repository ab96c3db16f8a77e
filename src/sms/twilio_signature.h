// X-Twilio-Signature: how a Twilio-compatible gateway proves a webhook (inbound SMS, status callback) is its.
//
// Contract: the signature is base64(HMAC-SHA1(auth_token, url + concatenation of the POST parameters sorted
// by name, each as name followed by value)), where `url` is the full URL the gateway was configured to call,
// query string included, and the parameters are the decoded form fields. verify compares in constant time.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::sms {

using FormParams = std::vector<std::pair<std::string, std::string>>;

std::string twilio_signature(std::string_view auth_token, std::string_view url, FormParams params);

bool twilio_signature_valid(std::string_view auth_token, std::string_view url, const FormParams& params,
                            std::string_view signature_header);

}  // namespace tocsin::sms
