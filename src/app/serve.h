// `tocsin serve`: loads every organization into memory, starts the group committer and the HTTP API, and
// refreshes keys and organizations created by the CLI while it runs.
#pragma once

#include "app/config.h"
#include "app/installation.h"

namespace tocsin {

int serve(Installation& inst, Config config);

}  // namespace tocsin
