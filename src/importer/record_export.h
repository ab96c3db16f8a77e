// CSV export of one action's records (the console's "Export records"): one row per record, oldest first,
// with the person's names and contact points and the record's own fields. Unlike the people export it is
// not read back by `tocsin import`, so a cell a spreadsheet would run as a formula (=, +, -, @ first — a
// supporter typed the comments) is written with a leading apostrophe (OWASP "CSV injection").
#pragma once

#include <string>

#include "core/result.h"
#include "people/directory.h"

namespace tocsin::importer {

struct RecordExport {
  std::string csv;
  std::vector<std::string> person_ids;  // everyone in it, for the access log
};

// Call with the organization's lock held (shared). 404 when `action_id` is not an action of `org`.
Result<RecordExport> export_records_csv(const people::OrgState& org, const std::string& action_id);

}  // namespace tocsin::importer
