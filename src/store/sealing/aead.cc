#include "store/sealing/aead.h"

#include <sodium.h>

namespace tocsin::store {
namespace {

constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

void aead_seal_append(const SecretKey32& key, std::string_view plain, std::string_view ad, std::string& out) {
  std::string raw(kNonce + plain.size() + kTag, '\0');
  auto* r = reinterpret_cast<unsigned char*>(raw.data());
  randombytes_buf(r, kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(r + kNonce, &written, bytes(plain), plain.size(), bytes(ad),
                                             ad.size(), nullptr, r, key.data());
  size_t head = out.size();
  out.resize(head + sodium_base64_ENCODED_LEN(kNonce + written, kBase64));
  sodium_bin2base64(out.data() + head, out.size() - head, r, kNonce + written, kBase64);
  out.resize(out.size() - 1);  // the NUL sodium writes at the end
}

std::optional<std::string> aead_open(const SecretKey32& key, std::string_view sealed, std::string_view ad) {
  std::string raw(sealed.size(), '\0');
  size_t raw_len = 0;
  auto* r = reinterpret_cast<unsigned char*>(raw.data());
  if (sodium_base642bin(r, raw.size(), sealed.data(), sealed.size(), nullptr, &raw_len, nullptr, kBase64) !=
          0 ||
      raw_len < kNonce + kTag)
    return std::nullopt;
  std::string plain(raw_len - kNonce - kTag, '\0');
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &plain_len,
                                                 nullptr, r + kNonce, raw_len - kNonce, bytes(ad), ad.size(),
                                                 r, key.data()) != 0)
    return std::nullopt;
  plain.resize(plain_len);
  return plain;
}

}  // namespace tocsin::store
