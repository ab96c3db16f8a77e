#include "sms/kannel_inbound.h"

#include <iconv.h>
#include <openssl/crypto.h>
#include <simdjson.h>

#include <cerrno>
#include <charconv>
#include <memory>

#include "core/text.h"
#include "sms/http_client.h"

namespace tocsin::sms {
namespace {

Error forbidden(std::string m) {
  return Error{403, std::move(m)};
}

Result<std::string> required(const FormParams& p, std::string_view name) {
  const std::string* v = form_value(p, name);
  if (!v || trim_ascii_space(*v).empty())
    return bad_request("the callback has no '" + std::string(name) + "'");
  return std::string(trim_ascii_space(*v));
}

// A unix time in seconds (Kannel %T); absent is 0, garbage is an error.
Result<Micros> unix_seconds(const FormParams& p, std::string_view name) {
  const std::string* v = form_value(p, name);
  if (!v || v->empty()) return Micros{0};
  int64_t secs = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), secs);
  if (ec != std::errc() || end != v->data() + v->size() || secs < 0 || secs > int64_t{1} << 40)
    return bad_request("'" + std::string(name) + "' is not a unix time: " + *v);
  return secs * 1'000'000;
}

// `bytes` in `charset` as UTF-8. glibc's iconv does the conversion (it knows every charset Kannel names).
Result<std::string> to_utf8(const std::string& bytes, std::string_view charset) {
  std::string cs = lower_ascii(charset);
  // Kannel names GSM texts "gsm" but hands them over as UTF-8 (its internal form for 7-bit texts).
  if (cs.empty() || cs == "utf-8" || cs == "utf8" || cs == "gsm") {
    if (!simdjson::validate_utf8(bytes.data(), bytes.size()))
      return bad_request("the text is not valid UTF-8");
    return bytes;
  }
  iconv_t cd = iconv_open("UTF-8", std::string(charset).c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return bad_request("unsupported charset: " + std::string(charset));
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out(bytes.size() * 4 + 4, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* dst = out.data();
  size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<size_t>(-1))
    return bad_request("the text is not valid " + std::string(charset));
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

bool kannel_secret_matches(const FormParams& params, std::string_view secret) {
  const std::string* given = form_value(params, "secret");
  if (secret.empty() || !given || given->size() != secret.size()) return false;
  return CRYPTO_memcmp(given->data(), secret.data(), secret.size()) == 0;
}

Result<InboundText> parse_kannel_mo(const FormParams& params, std::string_view secret) {
  if (!kannel_secret_matches(params, secret)) return forbidden("missing or wrong callback secret");
  InboundText t;
  auto from = required(params, "from");
  if (!from) return from.error();
  auto to = required(params, "to");
  if (!to) return to.error();
  t.from = std::move(from.value());
  t.to = std::move(to.value());
  const std::string* text = form_value(params, "text");
  const std::string* charset = form_value(params, "charset");
  auto utf8 = to_utf8(text ? *text : std::string(), charset ? *charset : std::string_view{});
  if (!utf8) return utf8.error();
  t.text = std::move(utf8.value());
  if (const std::string* id = form_value(params, "id")) t.gateway_message_id = *id;
  auto ts = unix_seconds(params, "ts");
  if (!ts) return ts.error();
  t.received_at = ts.value();
  return t;
}

Result<DeliveryReceipt> parse_kannel_dlr(const FormParams& params, std::string_view secret) {
  if (!kannel_secret_matches(params, secret)) return forbidden("missing or wrong callback secret");
  DeliveryReceipt r;
  auto id = required(params, "delivery");
  if (!id) return id.error();
  r.delivery_id = std::move(id.value());
  auto type = required(params, "type");
  if (!type) return type.error();
  const std::string& t = type.value();
  if (t == "1")
    r.status = ReceiptStatus::kDelivered;
  else if (t == "2")
    r.status = ReceiptStatus::kUndelivered;
  else if (t == "4")
    r.status = ReceiptStatus::kBuffered;
  else if (t == "8")
    r.status = ReceiptStatus::kGatewayAccepted;
  else if (t == "16")
    r.status = ReceiptStatus::kGatewayRejected;
  else
    return bad_request("unknown DLR type: " + t);
  if (const std::string* answer = form_value(params, "answer")) {
    if (!simdjson::validate_utf8(answer->data(), answer->size()))
      return bad_request("the DLR answer is not valid UTF-8");
    r.detail = *answer;
  }
  auto ts = unix_seconds(params, "ts");
  if (!ts) return ts.error();
  r.reported_at = ts.value();
  return r;
}

std::string kannel_get_url(std::string_view mo_url, std::string_view secret) {
  std::string url(mo_url);
  url += url.find('?') == std::string::npos ? "?" : "&";
  url += "secret=" + url_escape(std::string(secret));
  url += "&from=%p&to=%P&text=%b&charset=%C&coding=%c&smsc=%i&id=%I&ts=%T";
  return url;
}

}  // namespace tocsin::sms
