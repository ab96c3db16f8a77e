#include "web/node_keys.h"

#include <sodium.h>

namespace tocsin::web {
namespace {

// The KDF's context: 8 bytes naming the purpose family; the subkey ids name each key. Changing either
// changes every derived key (every form in flight fails once).
constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "tocsinwb";
static_assert(crypto_kdf_KEYBYTES == 32 && crypto_kdf_BYTES_MIN <= 32 && crypto_kdf_BYTES_MAX >= 32);

Key32 subkey(const Key32& root, uint64_t id) {
  Key32 k{};
  crypto_kdf_derive_from_key(k.data(), k.size(), id, kContext, root.data());
  return k;
}

}  // namespace

WebKeys derive_web_keys(const Key32& installation_secret) {
  return {subkey(installation_secret, 1), subkey(installation_secret, 2), subkey(installation_secret, 3)};
}

}  // namespace tocsin::web
