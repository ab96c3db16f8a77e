// DkimSigner: signs outgoing messages for one sending domain with libopendkim (RFC 6376).
//
// Contract: sign() takes a complete RFC 5322 message with CRLF line ends and returns the DKIM-Signature
// header field (with its trailing CRLF) to put in front of it. Relaxed/relaxed canonicalization, rsa-sha256.
// The signed header list always includes From, To, Subject, Date, Message-ID, List-Unsubscribe and
// List-Unsubscribe-Post (compliance-rules EM-G1 and RFC 8058 §4: the one-click headers must be covered), and
// From is oversigned so a second From cannot be added in transit. A signer is immutable after make() and
// safe to use from several threads (each sign() has its own libopendkim handle).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::email {

class DkimSigner {
 public:
  static Result<DkimSigner> make(std::string domain, std::string selector, std::string private_pem);

  Result<std::string> sign(std::string_view message) const;

  DkimSigner(DkimSigner&&) noexcept;
  DkimSigner& operator=(DkimSigner&&) noexcept;
  ~DkimSigner();

 private:
  struct Lib;
  DkimSigner(std::unique_ptr<Lib> lib, std::string domain, std::string selector, std::string private_pem);
  std::unique_ptr<Lib> lib_;
  std::string domain_, selector_, private_pem_;
};

}  // namespace tocsin::email
