// The installation's token keys (DIR/token.keys) and the byte helpers every signed link token shares:
// unsubscribe tokens (email/unsubscribe_token.h) and delivery tokens (email/delivery_token.h).
//
// Contract: the newest key that is not retired signs; every key not retired verifies, so links in mail
// already sent keep working until their key is retired. Immutable once built: thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::email {

struct TokenKey {
  uint16_t id = 0;
  std::array<unsigned char, 32> secret{};
  bool retired = false;  // a retired key no longer verifies: links signed with it stop working

  // A new random key.
  static TokenKey generate(uint16_t id);
};

class TokenKeyRing {
 public:
  explicit TokenKeyRing(std::vector<TokenKey> keys);
  // The key that signs new tokens, or null when every key is retired.
  const TokenKey* signer() const { return signer_index_ < keys_.size() ? &keys_[signer_index_] : nullptr; }
  // A live (not retired) key by id, or null.
  const TokenKey* find(uint16_t id) const;

 private:
  std::vector<TokenKey> keys_;
  size_t signer_index_ = SIZE_MAX;  // an index, not a pointer, so copies stay valid
};

// HMAC-SHA-256 of the concatenated parts under `key`, truncated to `out_len` (at most 32) bytes.
void token_mac(const TokenKey& key, std::initializer_list<std::string_view> parts, unsigned char* out,
               size_t out_len);

// A link token's bytes as URL-safe text (base64url, no padding) and back: `from_link_text` is true only when
// `text` decodes to exactly `len` bytes with nothing left over.
std::string to_link_text(const unsigned char* raw, size_t len);
bool from_link_text(std::string_view text, unsigned char* out, size_t len);

inline constexpr size_t kUuidBytes = 16;
// A UUID's 16 bytes from its 36-character text form; false if it is not one.
bool uuid_to_bytes(std::string_view text, unsigned char* out);
std::string uuid_from_bytes(const unsigned char* in);

}  // namespace tocsin::email
