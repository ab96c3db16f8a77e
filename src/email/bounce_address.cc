#include "email/bounce_address.h"

#include "core/text.h"

namespace tocsin::email {
namespace {

constexpr std::string_view kBouncePrefix = "bounce+";
constexpr std::string_view kUnsubscribePrefix = "unsubscribe+";
constexpr size_t kTokenChars = 50;

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

}  // namespace

Result<std::string> bounce_address(const DeliveryTokens& tokens, std::string_view mail_domain,
                                   const DeliveryRef& ref) {
  auto t = tokens.issue(TokenPurpose::kBounce, ref);
  if (!t) return t.error();
  return std::string(kBouncePrefix) + t.value() + "@" + std::string(mail_domain);
}

Result<std::string> delivery_header_value(const DeliveryTokens& tokens, const DeliveryRef& ref) {
  return tokens.issue(TokenPurpose::kBounce, ref);
}

Result<std::string> delivery_message_id(const DeliveryTokens& tokens, std::string_view mail_domain,
                                        const DeliveryRef& ref) {
  auto t = tokens.issue(TokenPurpose::kBounce, ref);
  if (!t) return t.error();
  return t.value() + "@" + std::string(mail_domain);
}

std::optional<AddressedDelivery> parse_delivery_reference(const DeliveryTokens& tokens,
                                                          std::string_view text) {
  // Each maximal run of token characters that is exactly a token's length is a candidate; its purpose is
  // told by what precedes it ("unsubscribe+" or anything else: bounce+, "<", start of the header value).
  // Scanning runs rather than parsing address syntax copes with every wrapper MTAs and reporters add.
  size_t i = 0;
  while (i < text.size()) {
    if (!is_token_char(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && is_token_char(text[j])) ++j;
    if (j - i == kTokenChars) {
      std::string_view before = text.substr(0, i);
      bool unsubscribe =
          before.size() >= kUnsubscribePrefix.size() &&
          lower_ascii(before.substr(before.size() - kUnsubscribePrefix.size())) == kUnsubscribePrefix;
      TokenPurpose purpose = unsubscribe ? TokenPurpose::kUnsubscribe : TokenPurpose::kBounce;
      if (auto ref = tokens.verify(purpose, text.substr(i, j - i)))
        return AddressedDelivery{purpose, std::move(ref).value()};
    }
    i = j;
  }
  return std::nullopt;
}

}  // namespace tocsin::email
