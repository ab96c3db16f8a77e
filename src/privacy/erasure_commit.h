// Erasure end to end, the one way it is carried out (a fulfilled erasure request, or the age gate finding a
// person under the minimum age): plan_erasure outside the commit, one durable group-committer job that
// applies it and writes the request's document, then Store::scrub so the bytes leave the database's files
// (SQLite) or live tables (PostgreSQL) before the caller answers.
#pragma once

#include <string>

#include "people/directory.h"
#include "privacy/erasure.h"
#include "privacy/privacy_request.h"
#include "store/group_commit.h"

namespace tocsin::privacy {

// Erases `r`'s subject in `org`. On success `r` is done, its subject replaced by the erased marker and its
// audit trail says what went. An error after the commit (the scrub) says so: the erasure stands, and
// `tocsin privacy scrub` finishes it.
Result<ErasureCounts> erase_and_scrub(people::OrgState& org, store::Store& store,
                                      store::GroupCommitter& committer, PrivacyRequest& r,
                                      const std::string& actor, Micros now);

}  // namespace tocsin::privacy
