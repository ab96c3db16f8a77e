// Data-subject requests from the administrator's command line (docs/PRIVACY.md):
//   tocsin privacy request --data DIR --org ORG --kind KIND --subject EMAIL|PHONE [--note TEXT]
//   tocsin privacy list    --data DIR --org ORG          one JSON line per request, overdue first
//   tocsin privacy fulfil  --data DIR --org ORG --id ID [--out FILE] [--refuse REASON]
//                          [--extend-days N --reason TEXT]
// `fulfil` makes the access/portability bundle (--out), refuses or extends; objection, withdrawal and
// restriction write the ledger and the gate's facts, which only the running server may do: use
// POST /api/v2/tocsin:privacy_requests/{id}/tocsin:fulfil. Erasure is not built yet.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_privacy_request_commands(CLI::App& app);

}  // namespace tocsin
