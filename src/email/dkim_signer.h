// DkimSigner: signs outgoing messages for one sending domain (RFC 6376), rsa-sha256, relaxed/relaxed.
//
// Contract: sign() takes a complete RFC 5322 message with CRLF line ends and returns the DKIM-Signature
// header field (with its trailing CRLF) to put in front of it. The signed header list always includes From,
// To, Subject, Date, Message-ID, List-Unsubscribe and List-Unsubscribe-Post (compliance-rules EM-G1 and RFC
// 8058 §4: the one-click headers must be covered), and From, List-Unsubscribe and List-Unsubscribe-Post are
// oversigned, so none of them can be added in transit. A signer is immutable after make() and safe to use
// from several threads at once.
//
// Why not libopendkim (which signed here first): its dkim_sign() takes the private key as a PEM string and
// parses it again for every message. With OpenSSL 3.0 that parse plus the first use of a fresh key cost
// ~1.2 ms of the ~1.5 ms per message (bench/email/compose_bench, BENCHMARKS.md "Email"), which alone keeps
// a 2-core machine under the 3,000 signed messages/s. Here the key is parsed once in make() and
// signing is one OpenSSL EVP_DigestSign over the canonical form; the canonicalization (RFC 6376 §3.4.2 and
// §3.4.4) is small, and every signature is checked in the tests by two independent verifiers (python3-dkim
// and libopendkim).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::email {

class DkimSigner {
 public:
  // Fails with 400 when the domain or selector is empty or the key is not a PEM RSA private key.
  static Result<DkimSigner> make(std::string domain, std::string selector, std::string_view private_pem);

  // Fails with 400 when the message has no CRLF-terminated header block. `now_seconds` is the t= tag
  // (signature time); 0 means the current time.
  Result<std::string> sign(std::string_view message, int64_t now_seconds = 0) const;

  // The two halves of sign(), for a blast whose recipients share a body (email/mime_frame.h): the bh= value
  // (base64 SHA-256 of the relaxed-canonical body) depends on the body bytes only, so it is computed once
  // per body; the signature itself covers each recipient's own headers and is made per message.
  // sign_with_body_hash(m, body_hash(body of m), t) == sign(m, t).
  std::string body_hash(std::string_view body) const;
  Result<std::string> sign_with_body_hash(std::string_view message, std::string_view body_hash,
                                          int64_t now_seconds = 0) const;

  DkimSigner(DkimSigner&&) noexcept;
  DkimSigner& operator=(DkimSigner&&) noexcept;
  ~DkimSigner();

 private:
  struct Key;
  DkimSigner(std::unique_ptr<Key> key, std::string domain, std::string selector);
  std::unique_ptr<Key> key_;
  std::string domain_, selector_;
};

}  // namespace tocsin::email
