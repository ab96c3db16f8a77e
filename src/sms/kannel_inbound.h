// Kannel callbacks to tocsin: MO texts (smsbox sms-service get-url) and delivery reports (the dlr-url the
// Kannel driver sends with each MT).
//
// The smsbox side is configured with kannel_get_url(); its escapes and our field names:
//   secret=<shared secret>  from=%p  to=%P  text=%b  charset=%C  coding=%c  smsc=%i  id=%I  ts=%T
// %b is the message as received (URL-encoded bytes), %C its charset: "UTF-8" (with `mo-recode = true` in the
// smsbox group, UCS-2 texts arrive recoded to UTF-8), "UTF-16BE" for UCS-2 otherwise, "ISO-8859-1" or
// "WINDOWS-1252" when Kannel recoded to those; the parser converts each to UTF-8 (iconv) and rejects bytes
// that are not valid in it. The DLR fields come from KannelDriver: delivery, secret, type=%d, answer=%A,
// ts=%T.
//
// Authentication is a shared secret in the URL (Kannel cannot sign): kannel_secret_matches() compares in
// constant time, and an empty configured secret matches nothing. Errors: 403 for a missing or wrong secret,
// 400 for a malformed callback, each with a sentence naming the field.
#pragma once

#include <string>
#include <string_view>

#include "sms/inbound.h"

namespace tocsin::sms {

bool kannel_secret_matches(const FormParams& params, std::string_view secret);

// Both parsers check the secret first.
Result<InboundText> parse_kannel_mo(const FormParams& params, std::string_view secret);
Result<DeliveryReceipt> parse_kannel_dlr(const FormParams& params, std::string_view secret);

// The get-url for smsbox's sms-service group that calls `mo_url` (tocsin's MO endpoint) with the fields
// parse_kannel_mo reads. The secret is URL-encoded; the result goes between double quotes in kannel.conf.
std::string kannel_get_url(std::string_view mo_url, std::string_view secret);

}  // namespace tocsin::sms
