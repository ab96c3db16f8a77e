// The storage form of actions and records: one compact JSON document each (the `doc` column of the
// `actions` and `action_records` tables), so a new documented field needs no schema migration.
#pragma once

#include <string>
#include <string_view>

#include "actions/action.h"
#include "core/result.h"

namespace tocsin::actions {

std::string encode_action(const Action& a);
Result<Action> decode_action(std::string_view doc);

std::string encode_record(const ActionRecord& r);
Result<ActionRecord> decode_record(std::string_view doc);

}  // namespace tocsin::actions
