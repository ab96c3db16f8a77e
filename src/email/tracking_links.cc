#include "email/tracking_links.h"

#include <sodium.h>

#include "core/text.h"

namespace tocsin::email {
namespace {

constexpr std::string_view kPixelSuffix = ".gif";
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

std::string base_of(std::string_view public_url) {
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  return std::string(public_url);
}

Error invalid_link() {
  return not_found("not a valid tracking link");
}

}  // namespace

bool is_trackable_link(std::string_view url) {
  std::string scheme = lower_ascii(url.substr(0, std::min<size_t>(url.size(), 8)));
  size_t host = scheme.rfind("https://", 0) == 0 ? 8 : scheme.rfind("http://", 0) == 0 ? 7 : 0;
  return host != 0 && url.size() > host && url[host] != '/';
}

Result<std::string> click_url(const DeliveryTokens& tokens, std::string_view public_url,
                              const DeliveryRef& ref, std::string_view link) {
  if (!is_trackable_link(link)) return bad_request("only absolute http(s) links are tracked");
  if (link.size() > kMaxTrackedLink) return bad_request("the link is too long to track");
  auto token = tokens.issue(TokenPurpose::kClick, ref, link);
  if (!token) return token.error();
  std::string b64(sodium_base64_ENCODED_LEN(link.size(), kVariant), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(link.data()), link.size(),
                    kVariant);
  b64.resize(std::char_traits<char>::length(b64.c_str()));
  return base_of(public_url) + "/t/c/" + token.value() + "." + b64;
}

Result<std::string> open_pixel_url(const DeliveryTokens& tokens, std::string_view public_url,
                                   const DeliveryRef& ref) {
  auto token = tokens.issue(TokenPurpose::kOpen, ref);
  if (!token) return token.error();
  return base_of(public_url) + "/t/o/" + token.value() + std::string(kPixelSuffix);
}

Result<Click> verify_click(const DeliveryTokens& tokens, std::string_view segment) {
  auto dot = segment.find('.');
  if (dot == std::string_view::npos) return invalid_link();
  std::string_view b64 = segment.substr(dot + 1);
  std::string link(b64.size(), '\0');  // base64 decodes to fewer bytes than it has characters
  size_t len = 0;
  const char* end = nullptr;
  if (b64.size() > 2 * kMaxTrackedLink ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(link.data()), link.size(), b64.data(), b64.size(),
                        nullptr, &len, &end, kVariant) != 0 ||
      end != b64.data() + b64.size())
    return invalid_link();
  link.resize(len);
  auto ref = tokens.verify(TokenPurpose::kClick, segment.substr(0, dot), link);
  if (!ref || !is_trackable_link(link)) return invalid_link();
  return Click{ref.value(), std::move(link)};
}

Result<DeliveryRef> verify_open(const DeliveryTokens& tokens, std::string_view segment) {
  if (segment.size() <= kPixelSuffix.size() ||
      segment.substr(segment.size() - kPixelSuffix.size()) != kPixelSuffix)
    return invalid_link();
  auto ref = tokens.verify(TokenPurpose::kOpen, segment.substr(0, segment.size() - kPixelSuffix.size()));
  if (!ref) return invalid_link();
  return ref;
}

}  // namespace tocsin::email
