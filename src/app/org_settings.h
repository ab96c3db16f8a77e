// An organization's messaging settings document as the administrator's commands read and write it: read
// from the store, and written through Store::put_doc_outside so a running server applies the change within
// its one-second refresh. Both end the command with its error on failure (app/command_exit.h).
#pragma once

#include <string>

#include "app/installation.h"
#include "messaging/settings.h"

namespace tocsin {

// The stored settings, or the defaults when the organization has none yet.
messaging::Settings load_org_settings(Installation& inst, const std::string& org_id);
void save_org_settings(Installation& inst, const std::string& org_id, const messaging::Settings& s);

}  // namespace tocsin
