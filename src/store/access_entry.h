// One entry of the access log (privacy/access_log.h): a read of supporters' personal data — who read it,
// what, when and from where. The entries of an organization form one hash chain like the ledger's, but
// its order is assigned by the database when the entry is written (Store::apply fills seq, prev_hash and
// hash inside the transaction, under a lock per organization), so the server, the administrator's CLI and
// several serving nodes can append at the same time without a coordinator.
//
// The same log is the disclosure log (privacy/disclosure_log.h): an entry that names a `recipient` records
// that the data left the controller's hands — an export, a page of people over the API, a bundle or packet
// handed out, a blast or one-off messages handed to a processor — with the legal basis it left under. One
// chain for both, because an export is one event that is both a read and a disclosure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"

namespace tocsin::store {

struct AccessEntry {
  int64_t seq = 0;  // 1-based, contiguous per organization; assigned by the store
  Micros at = 0;
  std::string actor;   // "api_key:<id>", "staff:<account id>", "cli:<user>"
  std::string ip;      // the reader's address; "" for the command line
  std::string action;  // what was read: "person.read", "people.list", "people.export", ...
  std::string query;   // the request that selected the people (path and query, literals masked)
  int64_t count = 0;   // how many people the read returned
  // The people read, when there are at most kAccessPeopleListed of them; a bigger (bulk) read keeps only
  // `query` and `count`.
  std::vector<std::string> person_ids;
  std::string prev_hash, hash;  // hex; assigned by the store
  // A disclosure: to whom the data went ("api_key:<id> from <ip>", "SMTP relay mail.example:587") and
  // under what basis; both empty for a read that stays with the reader (a person's page on screen).
  std::string recipient;
  std::string basis;
  // A hand-over of one blast to a processor: the message. Its recipients are not listed (a blast may reach
  // a million people): a person finds the entry through their own handed-over delivery of the message.
  std::string message_id;
};

inline bool is_disclosure(const AccessEntry& e) {
  return !e.recipient.empty();
}

inline constexpr size_t kAccessPeopleListed = 1000;

// A read that names no one (a bulk read past kAccessPeopleListed, or one selected by contact points, such
// as an evidence packet) is indexed under this person id (access_log_people), so "who read this person?"
// also finds the reads that may have included them, without walking the whole log.
inline constexpr std::string_view kBulkReadPerson = "*";
// A blast's hand-over is not bulk: it concerns exactly the people it was handed over for (their deliveries).
inline bool is_bulk_read(const AccessEntry& e) {
  return e.person_ids.empty() && e.count > 0 && e.message_id.empty();
}

// The table's columns in the order both stores read them back.
inline constexpr std::string_view kAccessColumns =
    "seq, at, actor, ip, action, query, count, people, prev_hash, hash, recipient, basis, message_id";

// The person ids as stored: one column, space-separated (ids never contain a space).
std::string joined_person_ids(const std::vector<std::string>& ids);
std::vector<std::string> split_person_ids(std::string_view joined);

// The fields the entry's hash covers, in order (consent::chained_hash of them). The PostgreSQL store
// computes the same hash in SQL (kAppendAccess in store/postgres/postgres_store.cc), so this order is also
// written there. A read is "tocsin-access-v1" and its fields, as before disclosures existed (so entries
// written then still verify); a disclosure is "tocsin-disclosure-v1", the same fields, then recipient,
// basis and message id.
std::vector<std::string> access_chained_fields(const std::string& org_id, const AccessEntry& e);

// Fills seq, prev_hash and hash after the organization's last entry (`last_seq` 0: the first entry).
void chain_after(const std::string& org_id, int64_t last_seq, const std::string& last_hash, AccessEntry& e);

// Which entries a reader wants: all, or those naming one person (plus every bulk read, which may have
// included them, and every hand-over of a message the person's delivery was handed over for), from a time
// on, after a seq (keyset paging), at most `limit`; with `disclosures_only`, only disclosures.
struct AccessQuery {
  std::string person_id;  // empty: every entry
  bool disclosures_only = false;
  Micros since = 0;
  int64_t after_seq = 0;
  int64_t limit = 100;
};

}  // namespace tocsin::store
