// DKIM keys for an organization's sending domain (RFC 6376 §3.6.1).
//
// Contract: generate_dkim_rsa_key makes a fresh RSA key (2048 bits by default, what mailbox providers expect)
// with OpenSSL; the private half is PEM (what libopendkim signs with) and must be stored like any secret; the
// public half is what the organization publishes at <selector>._domainkey.<domain>.
#pragma once

#include <string>

#include "core/result.h"

namespace tocsin::email {

struct DkimKeyPair {
  std::string private_pem;    // PKCS#8 PEM
  std::string public_base64;  // SubjectPublicKeyInfo DER, base64 (the p= tag)
};

Result<DkimKeyPair> generate_dkim_rsa_key(int bits = 2048);

// The TXT record value to publish: "v=DKIM1; k=rsa; p=<base64>".
std::string dkim_txt_record(const DkimKeyPair& key);

}  // namespace tocsin::email
