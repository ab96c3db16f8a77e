// CSV export of one organization's people (`tocsin export`), in the column layout `tocsin import` reads
// back: import(export(x)) reproduces the people, their fields and their opt-outs (docs/IMPORT.md).
#pragma once

#include <cstdio>
#include <functional>

#include "core/result.h"
#include "people/directory.h"

namespace tocsin::importer {

// The fixed leading columns, in order; one column per custom field (org.custom_fields order) follows.
extern const char* const kExportColumns[17];

// Writes the header and one row per person (creation order) to `out`, except people under a restriction of
// processing (messaging settings `restricted`). Statuses come from the ledger
// projection; a contact point the ledger holds nothing for gets an empty status cell (never subscribed).
// Returns the number of people written, or an error if writing fails. `progress`, when given, is called every
// few thousand people with the people walked and the organization's count (app/progress.h draws it).
Result<int64_t> export_csv(const people::OrgState& org, std::FILE* out,
                           const std::function<void(int64_t walked, int64_t total)>& progress = {});

}  // namespace tocsin::importer
