// Migration 6's data step: email addresses become one contact point per case-folded form
// (core/contact_point.h email_match_key), in databases written when matching was case-sensitive.
//
// Per organization, for every canonical address whose history has more than one spelling or person:
//  - contact_aliases maps each old (case-sensitive) hash to the canonical hash, so the evidence lookup
//    finds the consent history recorded under every spelling (the ledger's chained contact_hash column
//    cannot be rewritten, and must not be);
//  - case-variant people merge into the oldest, replaying the later ones as Action Network signups with
//    the same email would (§4.4: later non-empty fields and mobile overwrite, identifiers, tags, list
//    items and action records move over; the losers' rows are deleted);
//  - one ledger entry under the canonical hash records the merge and settles its status: an opt-out on
//    any spelling wins (the most severe of spam complaint, bouncing, unsubscribed among the spellings'
//    latest statuses), else the most recent spelling's status;
//  - contact points, suppressions (also platform-wide ones), soft bounces and deliveries move to the
//    canonical hash.
// Runs inside migration 6's transaction; all-lower-case addresses hash as before and are not touched.
#pragma once

#include "core/clock.h"
#include "core/contact_point.h"
#include "core/result.h"
#include "store/sqlite/statement.h"

namespace tocsin::store {

// `hasher` is the installation's (null when the store is opened without it: allowed only while the
// database holds no email contact point or ledger entry).
Status fold_email_case(sqlite::Connection& c, const ContactHasher* hasher, Micros now);

}  // namespace tocsin::store
