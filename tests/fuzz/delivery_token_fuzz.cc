// Fuzz target: delivery tokens as ingest reads them back (email/bounce_address.h) — the VERP address
// bounce+<token>@..., the mailto unsubscribe+<token>@..., X-Tocsin-Delivery and Message-ID — and the base32
// beneath them (email/delivery_token.h). Input: 16 bytes of message id, 4 of seq, then a header value in
// which "@B@" and "@U@" stand for the bounce and unsubscribe tokens of that delivery. Whatever wraps them,
// a reference found must be that delivery with that purpose; without a placeholder nothing is found.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "email/bounce_address.h"
#include "fuzz_delivery.h"

namespace {

using namespace tocsin::email;

const DeliveryTokens& tokens() {
  static const DeliveryTokens t({TokenKey::generate(1)});
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  // No key, no forgery: the raw text names no delivery.
  if (parse_delivery_reference(tokens(), raw)) std::abort();
  std::vector<unsigned char> bytes;
  if (base32_decode(raw, bytes)) {
    std::vector<unsigned char> again;
    if (!base32_decode(base32_encode(bytes.data(), bytes.size()), again) || again != bytes) std::abort();
  }

  if (size < tocsin::fuzz::kDeliveryBytes) return 0;
  const DeliveryRef ref = tocsin::fuzz::delivery_from(data);
  auto bounce = tokens().issue(TokenPurpose::kBounce, ref);
  auto unsubscribe = tokens().issue(TokenPurpose::kUnsubscribe, ref);
  if (!bounce || !unsubscribe) std::abort();  // any UUID and any 32-bit seq can be named
  std::string text(raw.substr(tocsin::fuzz::kDeliveryBytes));
  const bool has_bounce = text.find("@B@") != std::string::npos;
  const bool has_unsubscribe = text.find("@U@") != std::string::npos;
  tocsin::fuzz::replace_all(text, "@B@", *bounce);
  tocsin::fuzz::replace_all(text, "@U@", *unsubscribe);
  auto found = parse_delivery_reference(tokens(), text);
  if (found && !(found->ref == ref)) std::abort();
  if (found && !has_bounce && !has_unsubscribe) std::abort();
  return 0;
}
