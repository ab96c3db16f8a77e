// A consent-evidence packet: what an organization hands the platform (and the platform a carrier) to prove
// consent for a set of contact points. One ZIP:
//   evidence.json  per contact point its status and every ledger entry: source, method, disclosure text and
//                  its hash (the version shown), IP, user agent, times, person id
//   chain.json     per entry the fields its SHA-256 covers, so anyone can recompute each hash and see the
//                  entries link (prev_hash) into the organization's chain
//   summary.html   the same, for a person to read
//   manifest.json  SHA-256 and size of each of the three files above
//   signature.json Ed25519 signature over manifest.json's bytes and the public key (privacy/signing_key.h)
// Only the ledger entries of the named contact points, of this organization, are read.
#pragma once

#include <string>
#include <vector>

#include "core/org.h"
#include "privacy/evidence_request.h"
#include "privacy/signing_key.h"
#include "store/store.h"

namespace tocsin::privacy {

struct PacketRequest {
  std::string request_id;  // empty for a packet made outside a request
  std::string scope;       // as EvidenceRequest::scope
  std::vector<ContactRef> contacts;
  Micros made = 0;
};

struct Packet {
  std::string zip;
  std::string sha256;  // hex, of `zip`
  bool chain_verified = false;
};

Result<Packet> build_evidence_packet(const Org& org, store::OrgScope& scope, const ContactHasher& hasher,
                                     const SigningKey& key, const PacketRequest& request);

}  // namespace tocsin::privacy
