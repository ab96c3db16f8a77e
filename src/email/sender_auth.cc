#include "email/sender_auth.h"

#include <libpsl.h>
#include <sys/types.h>  // u_char, which opendmarc's header uses without including it
// clang-format off
#include <opendmarc/dmarc.h>
// clang-format on

#include <memory>
#include <optional>

#include "core/text.h"
#include "email/dkim_key.h"

namespace tocsin::email {
namespace {

// The organizational domain of RFC 7489 §3.2: the registrable domain under the Public Suffix List
// (psl_latest: the newer of Debian's publicsuffix file and libpsl's built-in copy). A public suffix itself
// (or a name libpsl cannot place) is its own organizational domain.
std::string organizational_domain(const std::string& domain) {
  static const psl_ctx_t* psl = psl_latest(nullptr);
  const char* reg = psl ? psl_registrable_domain(psl, domain.c_str()) : nullptr;
  return reg ? std::string(reg) : domain;
}

// Identifier alignment (RFC 7489 §3.1): strict wants the same name, relaxed the same organizational domain.
bool aligned(const std::string& a, const std::string& b, bool strict) {
  std::string x = lower_ascii(a), y = lower_ascii(b);
  if (x == y) return true;
  return !strict && organizational_domain(x) == organizational_domain(y);
}

struct DmarcRecord {
  std::string at;    // the name it was found at (_dmarc.<domain>)
  std::string text;  // as published
  std::string domain;
  int p = 0, sp = 0, adkim = 0, aspf = 0, pct = 100;
  std::vector<std::string> rua;
};

struct PolicyDeleter {
  void operator()(DMARC_POLICY_T* p) const { opendmarc_policy_connect_shutdown(p); }
};

// Parses `text` as a DMARC record of `domain` with libopendmarc; nullopt with `error` set when it is not one.
std::optional<DmarcRecord> parse_record(const std::string& domain, const std::string& text,
                                        std::string& error) {
  std::unique_ptr<DMARC_POLICY_T, PolicyDeleter> ctx(opendmarc_policy_connect_init(
      reinterpret_cast<u_char*>(const_cast<char*>("127.0.0.1")), DMARC_POLICY_IP_TYPE_IPV4));
  if (!ctx) {
    error = "the DMARC parser could not start";
    return std::nullopt;
  }
  std::string d = domain, t = text;  // the library takes non-const buffers
  OPENDMARC_STATUS_T st = opendmarc_policy_parse_dmarc(ctx.get(), reinterpret_cast<u_char*>(d.data()),
                                                       reinterpret_cast<u_char*>(t.data()));
  if (st != DMARC_PARSE_OKAY) {
    error = opendmarc_policy_status_to_str(st);
    return std::nullopt;
  }
  DmarcRecord r;
  r.domain = domain;
  r.text = text;
  opendmarc_policy_fetch_p(ctx.get(), &r.p);
  opendmarc_policy_fetch_sp(ctx.get(), &r.sp);
  opendmarc_policy_fetch_adkim(ctx.get(), &r.adkim);
  opendmarc_policy_fetch_aspf(ctx.get(), &r.aspf);
  opendmarc_policy_fetch_pct(ctx.get(), &r.pct);
  if (u_char** rua = opendmarc_policy_fetch_rua(ctx.get(), nullptr, 0, 1))
    for (int i = 0; rua[i]; ++i) r.rua.emplace_back(reinterpret_cast<const char*>(rua[i]));
  return r;
}

const char* policy_word(int p) {
  switch (p) {
    case DMARC_RECORD_P_REJECT:
      return "reject";
    case DMARC_RECORD_P_QUARANTINE:
      return "quarantine";
    default:
      return "none";
  }
}

// One DMARC lookup (RFC 7489 §6.6.3 step 2-3): the records at _dmarc.<domain> that begin with v=DMARC1.
struct Discovery {
  bool answered = true;
  std::string failure;
  std::optional<DmarcRecord> record;
  std::string problem;  // why there is no usable record although something was published
};

Discovery discover_at(const DnsChecker& dns, const std::string& domain) {
  Discovery out;
  std::string name = "_dmarc." + domain;
  auto l = dns.txt(name);
  if (!l.answered) {
    out.answered = false;
    out.failure = "The DNS lookup of " + name + " failed (" + l.failure + "); try again later.";
    return out;
  }
  std::vector<std::string> candidates;
  for (const auto& rec : l.records) {
    auto trimmed = trim_ascii_space(rec);
    if (trimmed.size() >= 8 && lower_ascii(trimmed.substr(0, 8)) == "v=dmarc1")
      candidates.emplace_back(trimmed);
  }
  if (candidates.size() > 1) {
    out.problem = name + " publishes " + std::to_string(candidates.size()) +
                  " DMARC records; receivers ignore them all (RFC 7489 §6.6.3), so keep exactly one.";
    return out;
  }
  if (candidates.empty()) return out;
  std::string error;
  out.record = parse_record(domain, candidates[0], error);
  if (out.record)
    out.record->at = name;
  else
    out.problem = "The DMARC record at " + name + " (\"" + candidates[0] + "\") is not valid: " + error +
                  "; receivers treat the domain as having none.";
  return out;
}

// The record as published with tag `tag` set to `value` (replaced where it is, else appended): the smallest
// change to show, e.g. adkim=r to align a d= under the same organizational domain.
std::string with_tag(const std::string& text, const std::string& tag, const std::string& value) {
  std::string out;
  size_t from = 0;
  bool had = false;
  while (from <= text.size()) {
    size_t semi = std::min(text.find(';', from), text.size());
    std::string item(trim_ascii_space(std::string_view(text).substr(from, semi - from)));
    from = semi + 1;
    if (item.empty()) continue;
    if (lower_ascii(trim_ascii_space(std::string_view(item).substr(0, item.find('=')))) == tag) {
      item = tag + "=" + value;
      had = true;
    }
    out += (out.empty() ? "" : "; ") + item;
  }
  if (!had) out += "; " + tag + "=" + value;
  return out;
}

AuthCheck spf_check(const DnsChecker& dns, const SenderAuthInput& in) {
  AuthCheck c{"spf", "", "", "", ""};
  auto l = dns.txt(in.from_domain);
  if (!l.answered) {
    c.outcome = "error";
    c.sentence = "The DNS lookup of " + in.from_domain + " failed (" + l.failure + "); try again later.";
    return c;
  }
  int found = 0;
  for (const auto& rec : l.records) {
    std::string lower = lower_ascii(trim_ascii_space(rec));
    if (lower == "v=spf1" || lower.rfind("v=spf1 ", 0) == 0) ++found;
  }
  std::string suggested = "v=spf1 include:" + in.envelope_domain + " ~all";
  if (found == 1) {
    c.outcome = "pass";
    c.sentence = in.from_domain + " publishes an SPF record.";
  } else if (found > 1) {
    c.outcome = "warn";
    c.record_name = in.from_domain;
    c.record_value = suggested;
    c.sentence = in.from_domain + " publishes " + std::to_string(found) +
                 " SPF records, which is an SPF error (RFC 7208 §4.5): merge them into one.";
  } else {
    c.outcome = "warn";
    c.record_name = in.from_domain;
    c.record_value = suggested;
    c.sentence = in.from_domain +
                 " publishes no SPF record. Bulk-sender rules ask for one: publish it, listing the servers "
                 "that send your own mail too. (Receivers check tocsin's mail against its bounce domain " +
                 in.envelope_domain + ", so DMARC passes for it through the DKIM signature.)";
  }
  return c;
}

}  // namespace

std::string_view dmarc_state_name(DmarcState s) {
  switch (s) {
    case DmarcState::kEnforced:
      return "enforced";
    case DmarcState::kMonitor:
      return "monitor";
    case DmarcState::kMissing:
      return "missing";
    case DmarcState::kMisaligned:
      return "misaligned";
    case DmarcState::kError:
      return "error";
  }
  return "error";
}

SenderAuthReport check_sender_auth(const DnsChecker& dns, const SenderAuthInput& in) {
  SenderAuthReport out;
  const std::string from = lower_ascii(in.from_domain);
  const std::string d = lower_ascii(in.dkim_domain.empty() ? in.from_domain : in.dkim_domain);
  const std::string envelope = lower_ascii(in.envelope_domain);

  // DKIM: the key tocsin signs with, published under the signing domain.
  out.dkim = dns.check_dkim(d, in.selector, in.public_key_b64);
  std::string dkim_outcome = out.dkim.outcome == DnsCheck::Outcome::kVerified ? "pass"
                             : out.dkim.outcome == DnsCheck::Outcome::kError  ? "error"
                                                                              : "fail";
  out.checks.push_back({"dkim", dkim_outcome, in.selector + "._domainkey." + d,
                        dkim_txt_record({"", in.public_key_b64}), out.dkim.sentence});
  out.checks.push_back(spf_check(dns, {from, d, in.selector, in.public_key_b64, envelope}));

  // DMARC policy discovery (RFC 7489 §6.6.3): _dmarc.<From domain>, else _dmarc.<organizational domain>.
  const std::string org = organizational_domain(from);
  const std::string publish_at = "_dmarc." + from;
  const std::string minimal = "v=DMARC1; p=none";
  // Only a name without any v=DMARC1 record sends the search up: an invalid record, or several, at the
  // From domain end it there (§6.6.3 steps 3, 5, 6), as a receiver would.
  Discovery found = discover_at(dns, from);
  if (found.answered && !found.record && found.problem.empty() && org != from) found = discover_at(dns, org);
  if (!found.answered) {
    out.dmarc = DmarcState::kError;
    out.dmarc_sentence = found.failure;
    out.checks.push_back({"dmarc", "error", "", "", found.failure});
    out.checks.push_back({"alignment", "error", "", "", "Not checked: the DMARC record could not be read."});
    return out;
  }
  if (!found.record) {
    out.dmarc = DmarcState::kMissing;
    std::string why = !found.problem.empty() ? found.problem
                      : org != from
                          ? "Neither " + publish_at + " nor _dmarc." + org + " publishes a DMARC record."
                          : publish_at + " publishes no DMARC record.";
    out.dmarc_sentence =
        why + " Gmail, Yahoo and Microsoft require one from bulk senders: publish the TXT record " +
        publish_at + " \"" + minimal +
        "\" (p=none is the minimum; add rua=mailto:... to get "
        "their aggregate reports).";
    out.checks.push_back({"dmarc", "fail", publish_at, minimal, out.dmarc_sentence});
    out.checks.push_back(
        {"alignment", "fail", "", "", "Not checked: there is no DMARC record to align with."});
    return out;
  }

  const DmarcRecord& r = *found.record;
  const bool inherited = r.domain != from;  // found at the organizational domain: sp= governs subdomains
  const int policy = inherited && r.sp ? r.sp : r.p;
  std::string where =
      inherited ? r.at + " (the organizational domain's record, which covers " + from + ")" : r.at;
  std::string policy_text = std::string(inherited && r.sp ? "sp=" : "p=") + policy_word(policy);
  AuthCheck dmarc{"dmarc", "pass", "", "", ""};
  if (policy == DMARC_RECORD_P_NONE) {
    dmarc.outcome = "warn";
    dmarc.record_name = r.at;
    dmarc.record_value = "";  // filled below once alignment is known
    dmarc.sentence =
        "DMARC is published at " + where + " with " + policy_text +
        ": bulk-sender rules accept it, but it asks receivers to do nothing with mail that fails DMARC, so "
        "anyone can still send as " +
        from +
        ". Once the aggregate reports show your own mail passing, "
        "move to quarantine (the record shown), then reject.";
  } else {
    dmarc.sentence = "DMARC is published at " + where + " with " + policy_text +
                     (r.pct < 100 ? " applied to " + std::to_string(r.pct) + " % of failing mail" : "") + ".";
  }
  if (r.rua.empty())
    dmarc.sentence += " It asks for no aggregate reports (rua=); add one to see who sends as you.";

  const bool strict_dkim = r.adkim == DMARC_RECORD_A_STRICT;
  const bool strict_spf = r.aspf == DMARC_RECORD_A_STRICT;
  const bool dkim_aligned = aligned(d, from, strict_dkim);
  bool envelope_spf = false;
  if (!envelope.empty()) {
    auto l = dns.txt(envelope);
    for (const auto& rec : l.records) {
      std::string lower = lower_ascii(trim_ascii_space(rec));
      envelope_spf = envelope_spf || lower == "v=spf1" || lower.rfind("v=spf1 ", 0) == 0;
    }
  }
  const bool spf_aligned = !envelope.empty() && envelope_spf && aligned(envelope, from, strict_spf);
  std::string mode_dkim = strict_dkim ? "strict (adkim=s)" : "relaxed";
  std::string mode_spf = strict_spf ? "strict (aspf=s)" : "relaxed";
  AuthCheck align{"alignment", "pass", "", "", ""};
  std::string dkim_part = "tocsin signs with d=" + d + ", which is " + (dkim_aligned ? "" : "not ") +
                          "aligned with From " + from + " under " + mode_dkim + " alignment";
  std::string spf_part =
      "the envelope sender's domain " + (envelope.empty() ? std::string("(none)") : envelope) +
      (spf_aligned ? " is aligned too"
                   : " is not an aligned SPF identity (" +
                         std::string(envelope_spf ? "" : "no SPF record, or ") + mode_spf + " alignment)");
  if (dkim_aligned || spf_aligned) {
    align.sentence = "DMARC passes: " + dkim_part + "; " + spf_part + ".";
    out.dmarc = policy == DMARC_RECORD_P_NONE ? DmarcState::kMonitor : DmarcState::kEnforced;
    // The record to move to once reports show the organization's own mail passing.
    if (dmarc.outcome == "warn")
      dmarc.record_value = with_tag(r.text, inherited && r.sp ? "sp" : "p", "quarantine");
    out.dmarc_sentence = dmarc.sentence;
  } else {
    align.outcome = "fail";
    out.dmarc = DmarcState::kMisaligned;
    if (strict_dkim && aligned(d, from, false)) {
      align.record_name = r.at;
      align.record_value = with_tag(r.text, "adkim", "r");
      align.sentence =
          "DMARC would fail for every blast: " + dkim_part + "; " + spf_part +
          ". Relax the alignment (publish the record shown, adkim=r) or have tocsin sign with d=" + from +
          " itself (tocsin domain add " + from + " without --dkim-domain).";
    } else {
      align.sentence = "DMARC would fail for every blast: " + dkim_part + "; " + spf_part + ". Register " +
                       from + " to sign with its own key (tocsin domain add " + from +
                       " without --dkim-domain) and publish that key.";
    }
    if (dmarc.outcome == "warn") dmarc.record_name.clear();
    out.dmarc_sentence = align.sentence;
  }
  out.checks.push_back(std::move(dmarc));
  out.checks.push_back(std::move(align));
  return out;
}

}  // namespace tocsin::email
