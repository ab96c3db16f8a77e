// Who may set a contact point `subscribed`, and with what evidence: the one rule every write of a person
// follows. people::signup and people::update (people/upsert.h) ask it for every change to `subscribed`, so
// no entry point (signup helper with or without a key, record helpers, PUT /people, CSV import) can write
// a subscription the rule did not allow. docs/POLICY.md "Who can subscribe whom" says the same for people.
//
//  - A new email address (no ledger entry yet) may be subscribed by any writer (Action Network's signup
//    semantics); the evidence is the request's.
//  - An email address whose latest status is an opt-out (unsubscribed, bouncing, previous bounce, spam
//    complaint, previous spam complaint) is re-subscribed only
//      * by an API key or an import: recorded as that writer's attestation (actor = the key or the batch;
//        with `tocsin:consent` its source and method); bouncing and spam complaint are never cleared this
//        way (only a confirmation by the address's owner clears them);
//      * keyless: never directly. Nothing changes and the caller sends a confirmation email
//        (messaging/resubscribe_confirmation.h); the owner's click records the subscription;
//      * by the address's verified owner (the holder of a signed preference-center link sent to that very
//        address, web/preference_center.h): recorded with the owner's evidence, except bouncing and spam
//        complaint, which need the mailbox to answer now — a confirmation email, as for keyless writes (a
//        link may be weeks old, and a bouncing mailbox may no longer be theirs).
//  - An SMS number becomes subscribed only
//      * through a complete SMS disclosure the entry point showed (record helpers of an action with
//        tocsin:sms_disclosure; the text enters the evidence), or
//      * on the attestation of an API key (`tocsin:consent` with source and method) or an import (its consent
//        basis): the evidence names the key or batch as actor, the attested source and method.
//    The verified owner of a number (web/preference_center.h) takes the first way: that page shows the
//    texting program's complete disclosure above its button, and the entry carries it.
//    Keyless without a disclosure: the number keeps its status (not an error; the person is still written).
//    Keyed without a disclosure or an attestation: 422 before anything changes.
//
// Also asked first by every write (check_write): the age gate (people/age_gate.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "consent/ledger_entry.h"
#include "core/contact_point.h"
#include "people/person_input.h"

namespace tocsin::people {

enum class Writer {
  kAnonymous,  // a keyless request: anyone on the internet
  kApiKey,     // a request with the organization's API key
  kImport,     // `tocsin import` run by the operator
  kOwner,      // the contact point's owner, shown by a signed link sent to it (never a different one)
};

// A key holder's or importer's statement of how consent was obtained (`tocsin:consent` over the API, the
// consent basis of an import). source and method are required; disclosure is the language shown, if known.
struct Attestation {
  std::string source, method, disclosure;
};

// On whose authority a write happens, and what it showed the person.
struct WriteAuthority {
  Writer writer = Writer::kAnonymous;
  std::optional<Attestation> attestation;
  std::string sms_disclosure;  // the complete SMS disclosure text the entry point showed; empty: none
  std::string age_field;       // [privacy] age_custom_field (people/age_gate.h); empty: none
};

// Before anything changes: the age gate (422), and a keyed SMS opt-in that has neither a disclosure nor an
// attestation (422, naming the field to send).
Status check_write(const PersonInput& in, const WriteAuthority& who, bool gdpr_applies, Micros now);

enum class Verdict {
  kRecord,        // write the subscription with `evidence`
  kKeep,          // leave the status as it is (`notice` says why)
  kConfirmFirst,  // keyless email re-subscription: leave it, send a confirmation email
};

struct SubscribeRuling {
  Verdict verdict = Verdict::kKeep;
  consent::Evidence evidence;  // for kRecord: what the ledger entry carries
  std::string notice;          // for kKeep: a sentence for the response's tocsin:notices
};

// A change of one contact point on channel `c` from `current` (not subscribed) to subscribed, asked by a
// write whose request evidence is `ev`.
SubscribeRuling rule_on_subscribe(Channel c, consent::Status current, const WriteAuthority& who,
                                  const consent::Evidence& ev);

// The opt-out statuses a keyless request must never undo (everything but none and subscribed).
bool is_opt_out(consent::Status s);

}  // namespace tocsin::people
