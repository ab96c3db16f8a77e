// XChaCha20-Poly1305 (libsodium's IETF AEAD) as text: base64(nonce[24] || ciphertext || tag[16]), a fresh
// random nonce per value (192 bits: random nonces never collide in practice, unlike the 96-bit ones of
// ChaCha20-Poly1305 IETF). Used for sealed columns (field_sealer.h) and wrapped data keys (data_keys.h).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::store {

using SecretKey32 = std::array<unsigned char, 32>;

// Appends base64(nonce || ciphertext) of `plain` under `key`, with `ad` authenticated alongside, to `out`.
void aead_seal_append(const SecretKey32& key, std::string_view plain, std::string_view ad, std::string& out);
// The plaintext, or nullopt when `sealed` is malformed, was sealed under another key or with other `ad`,
// or was altered.
std::optional<std::string> aead_open(const SecretKey32& key, std::string_view sealed, std::string_view ad);

}  // namespace tocsin::store
