#include "web/embed_token.h"

#include <sodium.h>

#include <charconv>

namespace tocsin::web {

EmbedTokens::EmbedTokens() {
  randombytes_buf(key_.data(), key_.size());
}

std::string EmbedTokens::mac(std::string_view action_id, const HostPage& host,
                             std::string_view expiry) const {
  // Newline-separated: none of the parts can hold one (URLs are percent-encoded, the rest are ours).
  std::string msg =
      "embed\n" + std::string(action_id) + '\n' + std::string(expiry) + '\n' + host.source + '\n' + host.url;
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(out, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), key_.data());
  char hex[sizeof out * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string EmbedTokens::issue(std::string_view action_id, const HostPage& host, Micros now) const {
  std::string expiry = std::to_string((now + kLifetime) / 1000000);
  return expiry + "." + mac(action_id, host, expiry);
}

bool EmbedTokens::verify(std::string_view action_id, const HostPage& host, std::string_view token,
                         Micros now) const {
  auto dot = token.find('.');
  if (dot == std::string_view::npos || host.url.find('\n') != std::string::npos ||
      host.source.find('\n') != std::string::npos)
    return false;
  std::string_view expiry = token.substr(0, dot), given = token.substr(dot + 1);
  int64_t exp = 0;
  auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), exp);
  if (ec != std::errc() || end != expiry.data() + expiry.size() || exp < now / 1000000) return false;
  std::string want = mac(action_id, host, expiry);
  return given.size() == want.size() && sodium_memcmp(want.data(), given.data(), want.size()) == 0;
}

}  // namespace tocsin::web
