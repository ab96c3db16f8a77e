// Fuzz target: open and click tracking links (email/tracking_links.h), the path segment after /t/c/ or /t/o/.
// Any segment the fuzzer writes must be refused (it has no key); and for any delivery and link (input: 16
// bytes of message id, 4 of seq, then the link), the issued click URL must verify to exactly that link and
// delivery — the redirect goes nowhere the MAC does not vouch for.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "email/tracking_links.h"
#include "fuzz_delivery.h"

namespace {

using namespace tocsin::email;

const DeliveryTokens& tokens() {
  static const DeliveryTokens t({TokenKey::generate(1)});
  return t;
}

constexpr std::string_view kPublicUrl = "https://tocsin.example.org";

// The segment after <public_url>/t/c/ (or /t/o/).
std::string_view segment(std::string_view url) {
  return url.substr(kPublicUrl.size() + 5);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  if (verify_click(tokens(), raw) || verify_open(tokens(), raw)) std::abort();

  if (size < tocsin::fuzz::kDeliveryBytes) return 0;
  const DeliveryRef ref = tocsin::fuzz::delivery_from(data);
  std::string_view link = raw.substr(tocsin::fuzz::kDeliveryBytes);
  auto open = open_pixel_url(tokens(), kPublicUrl, ref);
  if (!open) std::abort();
  auto opened = verify_open(tokens(), segment(*open));
  if (!opened || !(*opened == ref)) std::abort();

  auto click = click_url(tokens(), kPublicUrl, ref, link);
  if (!click) {
    if (is_trackable_link(link) && link.size() <= kMaxTrackedLink) std::abort();
    return 0;
  }
  auto clicked = verify_click(tokens(), segment(*click));
  if (!clicked || !(clicked->ref == ref) || clicked->url != link) std::abort();
  if (verify_open(tokens(), segment(*click))) std::abort();  // a click token is not an open token
  return 0;
}
