#include "sms/twilio_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace tocsin::sms {

std::string twilio_signature(std::string_view auth_token, std::string_view url, FormParams params) {
  // Twilio sorts by name; repeated names keep their values in sorted order too.
  std::sort(params.begin(), params.end());
  std::string data(url);
  for (const auto& [name, value] : params) data.append(name).append(value);

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_len);
  std::string out(4 * ((mac_len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(mac_len));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool twilio_signature_valid(std::string_view auth_token, std::string_view url, const FormParams& params,
                            std::string_view signature_header) {
  if (auth_token.empty()) return false;  // an unconfigured secret must not accept everything
  std::string expected = twilio_signature(auth_token, url, params);
  return expected.size() == signature_header.size() &&
         CRYPTO_memcmp(expected.data(), signature_header.data(), expected.size()) == 0;
}

}  // namespace tocsin::sms
