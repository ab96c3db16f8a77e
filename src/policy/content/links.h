// Links in a message (email and SMS), judged without any network lookup:
//   blocklisted_domain / blocklisted_url (block): on the local blocklist (blocklist.h);
//   ip_literal_url (block): a link to a bare IP address, which no legitimate sender needs;
//   lookalike_domain (block): a domain that ICU's spoof checker (uspoof, UTS #39 confusable skeletons) finds
//     confusable with a well-known brand's domain (data/brands.txt) or with one of the organization's own
//     domains, including punycode (xn--) hosts decoded with IDNA, and mixed-script hosts;
//   brand_in_domain (hold): a brand's name hyphenated into another domain or used as a subdomain of one
//     ("paypal-login.example", "paypal.com.example");
//   open_redirect (hold): a link that carries another site's URL in its query (url=, redirect=, next=, ...);
//   public_shortener: block in texts (carriers filter them; use the organization's branded domain), warn in
//     email.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policy/content/blocklist.h"
#include "policy/content/verdict.h"

namespace tocsin::policy::content {

struct Link {
  size_t begin = 0, end = 0;  // byte span in the text
  std::string url;            // as written
  std::string host;           // lower-case (may be Unicode); brackets removed for IPv6
  std::string written_host;   // as written: "paypaI.com" reads as paypal.com but is paypai.com
};

// Links with a scheme (http, https), starting with "www.", or bare "domain.tld/..." with a known TLD.
std::vector<Link> extract_links(std::string_view text);

struct LinkContext {
  bool sms = false;
  const Blocklist* blocklist = nullptr;
  const std::set<std::string>* own_domains = nullptr;  // the organization's verified domains (lower-case)
};

void judge_links(std::string_view text, Part part, const LinkContext& ctx, Screening& out);

// The registrable part of a host, approximately: its last two labels (three under a two-letter
// second-level such as co.uk).
std::string registrable_domain(std::string_view host);

// Whether `host` is confusable with `protected_domain` without being it (or a subdomain of it). `written`,
// when given, is the host with the case it was written in (confusability is judged on what people see).
bool is_lookalike(std::string_view host, std::string_view protected_domain, std::string_view written = {});

}  // namespace tocsin::policy::content
