#include "policy/content/links.h"

#include <re2/re2.h>
#include <unicode/uidna.h>
#include <unicode/uspoof.h>

#include <memory>

#include "core/text.h"
#include "policy/content/lists.h"

namespace tocsin::policy::content {
namespace {

// TLDs a bare "name.tld" must end with to count as a link without a scheme: common generic ones and the
// country codes shorteners and phishing favour. With a scheme or "www." any TLD counts.
const std::set<std::string, std::less<>>& bare_tlds() {
  static const std::set<std::string, std::less<>> k = {
      "com",  "org",    "net",   "edu",  "gov",  "us", "io", "co", "ly", "me", "info", "biz", "xyz", "top",
      "gl",   "gd",     "to",    "cc",   "at",   "ru", "cn", "tk", "ml", "ga", "cf",   "gq",  "app", "link",
      "site", "online", "click", "shop", "live", "in", "id", "ae", "uk", "ca", "de",   "mx",  "es",  "vote"};
  return k;
}

bool is_ipv4(std::string_view h) {
  int dots = 0;
  for (char c : h) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return false;
  }
  return dots == 3;
}

std::string idna_to_unicode(const std::string& host) {
  UErrorCode status = U_ZERO_ERROR;
  static UIDNA* idna = uidna_openUTS46(UIDNA_DEFAULT, &status);
  if (!idna) return host;
  status = U_ZERO_ERROR;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  char buf[512];
  int32_t n = uidna_nameToUnicodeUTF8(idna, host.data(), static_cast<int32_t>(host.size()), buf, sizeof buf,
                                      &info, &status);
  if (U_FAILURE(status) || n <= 0 || n > static_cast<int32_t>(sizeof buf)) return host;
  return std::string(buf, static_cast<size_t>(n));
}

struct SpoofDeleter {
  void operator()(USpoofChecker* s) const { uspoof_close(s); }
};

// One checker per thread: uspoof_areConfusable is documented thread-safe on a const checker, but keeping
// them apart costs nothing and avoids relying on it.
USpoofChecker* confusable_checker() {
  thread_local std::unique_ptr<USpoofChecker, SpoofDeleter> checker = [] {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker* sc = uspoof_open(&status);
    if (U_FAILURE(status)) return std::unique_ptr<USpoofChecker, SpoofDeleter>();
    uspoof_setChecks(sc, USPOOF_CONFUSABLE, &status);
    return std::unique_ptr<USpoofChecker, SpoofDeleter>(sc);
  }();
  return checker.get();
}

USpoofChecker* restriction_checker() {
  thread_local std::unique_ptr<USpoofChecker, SpoofDeleter> checker = [] {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker* sc = uspoof_open(&status);
    if (U_FAILURE(status)) return std::unique_ptr<USpoofChecker, SpoofDeleter>();
    uspoof_setChecks(sc, USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS, &status);
    uspoof_setRestrictionLevel(sc, USPOOF_HIGHLY_RESTRICTIVE);
    return std::unique_ptr<USpoofChecker, SpoofDeleter>(sc);
  }();
  return checker.get();
}

bool same_or_sub(std::string_view host, std::string_view domain) {
  return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                            host[host.size() - domain.size() - 1] == '.');
}

std::string first_label(std::string_view domain) {
  return std::string(domain.substr(0, domain.find('.')));
}

Finding finding(Verdict v, std::string code, Part part, const Link& l, std::string sentence) {
  return Finding{v, std::move(code), part, l.begin, l.end, l.url, std::move(sentence)};
}

// A query parameter whose value is another site's URL.
bool open_redirect(const Link& l, const std::string& host, const std::set<std::string>* own) {
  auto q = l.url.find('?');
  if (q == std::string::npos) return false;
  std::string query = lower_ascii(std::string_view(l.url).substr(q + 1));
  // Percent-decoded enough to see "http://" or "//".
  for (auto [enc, dec] : {std::pair{"%3a", ":"}, {"%2f", "/"}})
    for (size_t p = query.find(enc); p != std::string::npos; p = query.find(enc)) query.replace(p, 3, dec);
  static const RE2 kParam(
      R"((?:^|&)(?:url|u|redirect|redirect_uri|redirect_url|next|target|dest|destination|goto|out|link|continue|return|returnto|r)=((?:https?:)?//([^/&?#:]+)))");
  re2::StringPiece in(query);
  std::string whole, target;
  while (RE2::FindAndConsume(&in, kParam, &whole, &target)) {
    if (same_or_sub(target, registrable_domain(host))) continue;
    // A share link to the organization's own page (facebook.com/sharer.php?u=...) forwards nobody elsewhere.
    bool to_own = false;
    if (own)
      for (const auto& d : *own) to_own = to_own || same_or_sub(target, d);
    if (!to_own) return true;
  }
  return false;
}

}  // namespace

std::string registrable_domain(std::string_view host) {
  auto last = host.rfind('.');
  if (last == std::string_view::npos) return std::string(host);
  auto second = host.rfind('.', last - 1);
  if (second == std::string_view::npos) return std::string(host);
  std::string_view sld = host.substr(second + 1, last - second - 1);
  if (host.size() - last - 1 == 2 &&
      (sld == "co" || sld == "com" || sld == "org" || sld == "gov" || sld == "ac")) {
    auto third = host.rfind('.', second - 1);
    return std::string(third == std::string_view::npos ? host : host.substr(third + 1));
  }
  return std::string(host.substr(second + 1));
}

namespace {

// UTS #39 skeleton: two strings are confusable exactly when their skeletons are equal (what
// uspoof_areConfusable compares), so the protected domains' skeletons are computed once.
std::string skeleton(std::string_view s) {
  USpoofChecker* sc = confusable_checker();
  if (!sc) return std::string(s);
  UErrorCode status = U_ZERO_ERROR;
  char buf[512];
  int32_t n =
      uspoof_getSkeletonUTF8(sc, 0, s.data(), static_cast<int32_t>(s.size()), buf, sizeof buf, &status);
  if (U_FAILURE(status) || n < 0 || n > static_cast<int32_t>(sizeof buf)) return std::string(s);
  return std::string(buf, static_cast<size_t>(n));
}

struct Protected {
  std::string domain, domain_skeleton, label, label_skeleton;
  explicit Protected(std::string d)
      : domain(std::move(d)),
        domain_skeleton(skeleton(domain)),
        label(first_label(domain)),
        label_skeleton(skeleton(label)) {}
};

const std::vector<Protected>& protected_brands() {
  static const std::vector<Protected> k = [] {
    std::vector<Protected> v;
    for (const auto& b : lists().brand_domains) v.emplace_back(b);
    return v;
  }();
  return k;
}

// A host as people read it, with its skeletons, computed once per link.
struct SeenHost {
  std::string unicode, reg, reg_skeleton, label_skeleton;
  SeenHost(std::string_view host, std::string_view written) {
    unicode = idna_to_unicode(std::string(host));
    // IDNA mapping lower-cases, which would hide "paypaI": decode only what is punycode.
    std::string seen = written.empty() ? unicode
                       : lower_ascii(written).find("xn--") != std::string::npos
                           ? idna_to_unicode(std::string(written))
                           : std::string(written);
    reg = registrable_domain(seen);
    reg_skeleton = skeleton(reg);
    label_skeleton = skeleton(first_label(reg));
  }
};

bool looks_like(const SeenHost& h, const Protected& p) {
  if (same_or_sub(h.unicode, p.domain) || registrable_domain(h.unicode) == p.domain) return false;
  if (h.reg_skeleton == p.domain_skeleton) return true;
  // The same name under another TLD with a homoglyph ("paypa1.net" against "paypal.com").
  return p.label.size() >= 4 && first_label(h.reg) != p.label && h.label_skeleton == p.label_skeleton;
}

}  // namespace

bool is_lookalike(std::string_view host, std::string_view protected_domain, std::string_view written) {
  return looks_like(SeenHost(host, written), Protected(std::string(protected_domain)));
}

std::vector<Link> extract_links(std::string_view text) {
  // Scheme URLs, "www." hosts, and bare host/path tokens; the host may hold Unicode letters (IDN).
  static const RE2 kLink(
      R"((?i)((?:https?://|www\.)[^\s<>"'()]+|(?:[\p{L}\p{N}][\p{L}\p{N}-]*\.)+[\p{L}]{2,}(?:/[^\s<>"'()]*)?))");
  std::vector<Link> out;
  re2::StringPiece in(text.data(), text.size());
  re2::StringPiece m;
  while (RE2::FindAndConsume(&in, kLink, &m)) {
    size_t begin = static_cast<size_t>(m.data() - text.data());
    std::string url(m.data(), m.size());
    // Trailing punctuation belongs to the sentence.
    while (!url.empty() && std::string_view(".,;:!?").find(url.back()) != std::string_view::npos)
      url.pop_back();
    if (begin > 0 && (text[begin - 1] == '@' || is_word_byte(text[begin - 1])))
      continue;  // an email address part
    bool schemed = url.find("://") != std::string::npos;
    std::string_view rest = url;
    if (schemed) rest = rest.substr(rest.find("://") + 3);
    std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
    std::string h, written;
    if (!host.empty() && host.front() == '[') {
      h = std::string(host.substr(1, host.find(']') - 1));
    } else {
      written = std::string(host.substr(0, host.find(':')));
      h = lower_ascii(written);
    }
    if (h.empty()) continue;
    if (!schemed && !url.starts_with("www.") && !url.starts_with("WWW.")) {
      auto dot = h.rfind('.');
      if (dot == std::string::npos || !bare_tlds().count(std::string_view(h).substr(dot + 1))) continue;
      // A bare token after '@' is an email address's domain, not a link.
      if (url.find('@') != std::string::npos) continue;
    }
    out.push_back(Link{begin, begin + url.size(), url, h, written});
  }
  return out;
}

void judge_links(std::string_view text, Part part, const LinkContext& ctx, Screening& out) {
  for (const auto& l : extract_links(text)) {
    const std::string& host = l.host;
    if (is_ipv4(host) || host.find(':') != std::string::npos) {
      out.add(finding(Verdict::kBlock, "ip_literal_url", part, l,
                      "The link points at a bare IP address; link to the organization's own domain."));
      continue;
    }
    if (ctx.blocklist && ctx.blocklist->blocks_host(host)) {
      out.add(finding(Verdict::kBlock, "blocklisted_domain", part, l,
                      "The link's domain is on the malware and phishing blocklist."));
      continue;
    }
    if (ctx.blocklist && ctx.blocklist->blocks_url(l.url)) {
      out.add(finding(Verdict::kBlock, "blocklisted_url", part, l,
                      "The link is on the malware and phishing blocklist."));
      continue;
    }
    std::string reg = registrable_domain(host);
    bool own = false;
    if (ctx.own_domains)
      for (const auto& d : *ctx.own_domains) own = own || same_or_sub(host, d);
    if (lists().shorteners.count(reg) || lists().shorteners.count(host)) {
      if (ctx.sms)
        out.add(finding(Verdict::kBlock, "public_shortener", part, l,
                        "Carriers filter texts with public URL shorteners. Link with the organization's own "
                        "branded domain instead (tracked links already use it)."));
      else
        out.add(
            finding(Verdict::kWarn, "public_shortener", part, l,
                    "Public URL shorteners hurt deliverability; link with the organization's own domain."));
      continue;
    }
    if (!own) {
      std::string lookalike_of;
      SeenHost seen(host, l.written_host);
      for (const auto& b : protected_brands())
        if (looks_like(seen, b)) {
          lookalike_of = b.domain;
          break;
        }
      if (lookalike_of.empty() && ctx.own_domains)
        for (const auto& d : *ctx.own_domains)
          if (looks_like(seen, Protected(d))) {
            lookalike_of = d;
            break;
          }
      const std::string& unicode = seen.unicode;
      if (lookalike_of.empty() && unicode != host) {
        // A punycode host that is not plainly one script (Latin mixed with Cyrillic or Greek, say).
        UErrorCode status = U_ZERO_ERROR;
        int32_t r = uspoof_checkUTF8(restriction_checker(), unicode.data(),
                                     static_cast<int32_t>(unicode.size()), nullptr, &status);
        if (U_SUCCESS(status) && r != 0) lookalike_of = "(mixed scripts)";
      }
      if (!lookalike_of.empty()) {
        out.add(finding(Verdict::kBlock, "lookalike_domain", part, l,
                        "The link's domain " + (unicode != host ? unicode + " (" + host + ")" : host) +
                            " imitates " + lookalike_of + ". Link to the real domain."));
        continue;
      }
      // A brand's name hyphenated into another domain, or a brand domain used as a subdomain.
      bool brand_misuse = false;
      for (const auto& b : lists().brand_domains) {
        std::string name = first_label(b);
        if (name.size() < 4 || same_or_sub(host, b)) continue;
        std::string label = first_label(reg);
        bool hyphenated = label.find('-') != std::string::npos &&
                          (label.starts_with(name + "-") || label.ends_with("-" + name) ||
                           label.find("-" + name + "-") != std::string::npos);
        bool as_subdomain = host.find(b + ".") != std::string::npos;
        if (hyphenated || as_subdomain) {
          brand_misuse = true;
          out.add(finding(Verdict::kHold, "brand_in_domain", part, l,
                          "The link's domain carries the name of " + b +
                              " without being it, as phishing does; held for review."));
          break;
        }
      }
      if (brand_misuse) continue;
    }
    if (open_redirect(l, host, ctx.own_domains))
      out.add(finding(Verdict::kHold, "open_redirect", part, l,
                      "The link forwards to another site named in its query (an open redirect); link to the "
                      "destination directly."));
  }
}

}  // namespace tocsin::policy::content
