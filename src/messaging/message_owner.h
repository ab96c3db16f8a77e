// Which organization sent a message, for what comes back from outside naming a delivery by message id only
// (tracking links, mail reports, SMS delivery receipts).
#pragma once

#include <string>

#include "people/directory.h"

namespace tocsin::messaging {

// The organization that sent delivery message `message_id` — a blast (a message id) or an autoresponse (the
// id of the action record it answers; messaging/autoresponder.h) — or null. Ids are UUIDs, unique across
// organizations. Takes each organization's lock (shared) in turn.
people::OrgState* owner_of_message(const people::Directory& directory, const std::string& message_id);

}  // namespace tocsin::messaging
