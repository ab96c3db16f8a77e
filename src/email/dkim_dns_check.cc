#include "email/dkim_dns_check.h"

#include <unbound.h>

#include <optional>
#include <vector>

#include "core/text.h"

namespace tocsin::email {
namespace {

constexpr int kTxt = 16, kClassIn = 1;

std::string without_space(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!is_ascii_space(c)) out += c;
  }
  return out;
}

// The value of tag `name` in a DKIM tag list ("v=DKIM1; k=rsa; p=..."), or nullopt when absent.
std::optional<std::string> tag_value(std::string_view record, std::string_view name) {
  size_t pos = 0;
  while (pos <= record.size()) {
    size_t end = std::min(record.find(';', pos), record.size());
    std::string_view item = record.substr(pos, end - pos);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos && trim_ascii_space(item.substr(0, eq)) == name) {
      return without_space(item.substr(eq + 1));
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string_view dns_outcome_name(DnsCheck::Outcome o) {
  switch (o) {
    case DnsCheck::Outcome::kVerified:
      return "verified";
    case DnsCheck::Outcome::kNotFound:
      return "not_found";
    case DnsCheck::Outcome::kMismatch:
      return "mismatch";
    case DnsCheck::Outcome::kError:
      return "error";
  }
  return "error";
}

DnsChecker::DnsChecker(DnsChecker&& o) noexcept : ctx_(o.ctx_) {
  o.ctx_ = nullptr;
}
DnsChecker& DnsChecker::operator=(DnsChecker&& o) noexcept {
  std::swap(ctx_, o.ctx_);
  return *this;
}
DnsChecker::~DnsChecker() {
  if (ctx_) ub_ctx_delete(ctx_);
}

Result<DnsChecker> DnsChecker::make(const std::string& forwarder) {
  ub_ctx* ctx = ub_ctx_create();
  if (!ctx) return internal_error("the DNS resolver could not be created");
  DnsChecker checker(ctx);
  int err = 0;
  if (forwarder.empty()) {
    err = ub_ctx_resolvconf(ctx, nullptr);
  } else {
    // unbound refuses to query loopback addresses unless told otherwise; a named forwarder is deliberate.
    err = ub_ctx_set_option(ctx, "do-not-query-localhost:", "no");
    if (err == 0) err = ub_ctx_set_fwd(ctx, forwarder.c_str());
  }
  if (err != 0) return bad_request(std::string("the DNS resolver cannot be configured: ") + ub_strerror(err));
  return checker;
}

DnsChecker::Lookup DnsChecker::txt(const std::string& name) const {
  Lookup out;
  ub_result* r = nullptr;
  int err = ub_resolve(ctx_, name.c_str(), kTxt, kClassIn, &r);
  if (err != 0) {
    out.failure = ub_strerror(err);
    return out;
  }
  if (r->rcode != 0 && !r->nxdomain) {
    out.failure = "the DNS server answered with error code " + std::to_string(r->rcode);
  } else {
    out.answered = true;
    for (int i = 0; r->havedata && r->data[i]; ++i) {
      // TXT RDATA: one or more <length><bytes> character-strings, which a long record is split into.
      std::string record;
      const unsigned char* p = reinterpret_cast<const unsigned char*>(r->data[i]);
      for (int at = 0; at < r->len[i];) {
        int n = p[at];
        record.append(reinterpret_cast<const char*>(p + at + 1), std::min(n, r->len[i] - at - 1));
        at += n + 1;
      }
      out.records.push_back(std::move(record));
    }
  }
  ub_resolve_free(r);
  return out;
}

DnsCheck DnsChecker::check_dkim(const std::string& domain, const std::string& selector,
                                const std::string& public_base64) const {
  using O = DnsCheck::Outcome;
  std::string name = selector + "._domainkey." + domain;
  Lookup l = txt(name);
  if (!l.answered)
    return {O::kError, "The DNS lookup of " + name + " failed (" + l.failure + "); try again later."};
  std::string want = without_space(public_base64);
  bool any_dkim = false;
  for (const std::string& rec : l.records) {
    auto p = tag_value(rec, "p");
    auto v = tag_value(rec, "v");
    if (!p || (v && *v != "DKIM1")) continue;
    any_dkim = true;
    if (*p == want) return {O::kVerified, "The DKIM key is published at " + name + "."};
  }
  if (!any_dkim) {
    return {O::kNotFound,
            "No DKIM record is published at " + name +
                " yet; publish the TXT record shown for this domain (DNS changes can take a while)."};
  }
  return {O::kMismatch,
          "The DKIM record at " + name +
              " carries a different or revoked key; replace it with the TXT record shown for this "
              "domain."};
}

DnsCheck DnsChecker::check_spf(const std::string& domain, const std::string& include) const {
  using O = DnsCheck::Outcome;
  Lookup l = txt(domain);
  if (!l.answered)
    return {O::kError, "The DNS lookup of " + domain + " failed (" + l.failure + "); try again later."};
  for (const std::string& rec : l.records) {
    std::string lower = lower_ascii(rec);
    if (lower.rfind("v=spf1", 0) != 0) continue;
    std::string needle = "include:" + lower_ascii(include);
    size_t at = lower.find(needle);
    bool whole = at != std::string::npos &&
                 (at + needle.size() == lower.size() || is_ascii_space(lower[at + needle.size()]));
    if (whole) return {O::kVerified, "The SPF record of " + domain + " includes " + include + "."};
    return {O::kMismatch, "The SPF record of " + domain + " does not include " + include +
                              "; add \"include:" + include + "\" to it (recommended, not required)."};
  }
  return {O::kNotFound, domain + " publishes no SPF record; publish \"v=spf1 include:" + include +
                            " ~all\" (recommended, not required)."};
}

}  // namespace tocsin::email
