// Erasure (GDPR Art. 17, CCPA §1798.105) of a data subject: everything the organization holds about the
// people who hold the subject's address or number, and about those contact points, except what the design
// promises to keep (DESIGN invariant 5):
//  - the keyed hash of each contact point as an erasure stub: the organization's suppression, reason
//    "erased" (store::is_erasure_stub), and a ledger entry `unsubscribed` (the request as its evidence) when
//    the contact point was subscribed. The gate refuses the address (erased_contact); a later import, signup
//    or keyed write with it arrives unsubscribed (people/upsert.cc); START does not lift it
//    (messaging/sms_inbound.cc). The stub is final for this organization;
//  - the ledger's entries, with the personal plaintext blanked (address, IP, user agent): the chain covers
//    their digests, so `tocsin ledger verify` still passes;
//  - delivery rows without their address, so a message's statistics keep their counts.
// Gone: the person (names, addresses, custom fields, tags, lists), their action records (and their share
// of the live counters), inbound texts from the numbers, pending re-subscription confirmations; the
// subject is blanked in privacy requests and removed from consent-evidence requests.
//
// plan_erasure reads the documents to change (outside the commit); apply_erasure runs inside one
// group-committer job with the organization's lock held exclusively. Store::scrub afterwards removes the
// bytes from the database's files.
#pragma once

#include <string>
#include <vector>

#include "people/directory.h"
#include "privacy/privacy_request.h"

namespace tocsin::privacy {

// A contact point to erase, with its keyed hash (computed once: every step matches and writes by it).
struct ErasedContact {
  ContactRef ref;
  ContactHash hash{};
};

struct ErasurePlan {
  std::vector<std::string> person_ids;
  std::vector<ErasedContact> contacts;     // the subject and every address and number of the people
  std::vector<store::OrgDoc> rewritten;    // documents that keep existing, without the contact points
  std::vector<store::op::DeleteDoc> gone;  // documents that only held the subject's data
};

// The people holding the subject, their contact points and the documents to change. `request` is the
// erasure request itself (its own document is written by the caller).
Result<ErasurePlan> plan_erasure(const people::OrgState& org, store::OrgScope& scope,
                                 const PrivacyRequest& request);

// What stands in for an erased contact point where a document must still name one (a privacy request's
// subject): "erased-" and the first 16 hex digits of its keyed hash.
std::string erased_marker(const people::OrgState& org, const ContactRef& c);

struct ErasureCounts {
  int people = 0;
  int contact_points = 0;
  int documents = 0;
};

// Queues every write of the erasure and changes the serving state to match.
ErasureCounts apply_erasure(people::OrgState& org, store::WriteBatch::OrgWrites& w, const ErasurePlan& plan,
                            const PrivacyRequest& request, const std::string& actor, Micros now);

}  // namespace tocsin::privacy
