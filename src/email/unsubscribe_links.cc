#include "email/unsubscribe_links.h"

namespace tocsin::email {

std::string unsubscribe_url(std::string_view public_url, std::string_view unsubscribe_token) {
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  return std::string(public_url) + "/unsubscribe/" + std::string(unsubscribe_token);
}

Result<std::string> unsubscribe_mailto(const DeliveryTokens& tokens, std::string_view mail_domain,
                                       const DeliveryRef& ref) {
  auto t = tokens.issue(TokenPurpose::kUnsubscribe, ref);
  if (!t) return t.error();
  return "mailto:unsubscribe+" + t.value() + "@" + std::string(mail_domain) + "?subject=unsubscribe";
}

}  // namespace tocsin::email
