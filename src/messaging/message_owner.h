// Which organization sent a message: the signed links and addresses that come back from outside (tracking
// links, mail reports) name a delivery by message id only.
#pragma once

#include <string>

#include "people/directory.h"

namespace tocsin::messaging {

// The organization that sent delivery message `message_id` — a blast (a message id) or an autoresponse (the
// id of the action record it answers; messaging/autoresponder.h) — or null. Ids are UUIDs, unique across
// organizations. Takes each organization's lock (shared) in turn.
people::OrgState* owner_of_message(people::Directory& directory, const std::string& message_id);

}  // namespace tocsin::messaging
