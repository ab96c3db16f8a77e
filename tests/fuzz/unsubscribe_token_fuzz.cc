// Fuzz target: the one-click unsubscribe token (email/unsubscribe_token.h), the path segment of
// /unsubscribe/{token}. Any text must be refused (404) unless it is a token we issued; and a token issued for
// any claim (built from the input's first 48 bytes) must verify to exactly that claim.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "email/unsubscribe_token.h"

namespace {

const tocsin::email::UnsubscribeTokens& tokens() {
  static const tocsin::email::UnsubscribeTokens t({tocsin::email::TokenKey::generate(1)});
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tocsin::email;
  // Nobody can forge one: the fuzzer has no key, so anything it writes must fail.
  if (tokens().verify(std::string_view(reinterpret_cast<const char*>(data), size))) std::abort();

  if (size < 3 * kUuidBytes) return 0;
  UnsubscribeClaim claim{uuid_from_bytes(data), uuid_from_bytes(data + kUuidBytes),
                         uuid_from_bytes(data + 2 * kUuidBytes)};
  auto token = tokens().issue(claim);
  if (!token) std::abort();  // every UUID is a valid id
  auto back = tokens().verify(*token);
  if (!back || back->org_id != claim.org_id || back->person_id != claim.person_id ||
      back->message_id != claim.message_id)
    std::abort();
  // One changed character is refused.
  std::string altered = *token;
  size_t at = data[3 * kUuidBytes - 1] % altered.size();
  altered[at] = altered[at] == 'A' ? 'B' : 'A';
  if (tokens().verify(altered)) std::abort();
  return 0;
}
