// Type checks of an action's or a record's documented fields against their specs (actions/action_type.h):
// every documented field a client sends must have its declared JSON type, so what is stored (and later
// summed, filtered or rendered) is what the kind promises. Members an object spec does not name pass as sent.
#pragma once

#include <simdjson.h>

#include <string>

#include "actions/action_type.h"
#include "core/result.h"

namespace tocsin::api {

// Ok when `value` meets `spec` (JSON null always does); else 400 naming the field by its path, e.g.
// "recipients[0].amount must be a non-negative decimal like \"3.00\"".
Status check_field(const actions::FieldSpec& spec, simdjson::dom::element value, const std::string& path);

}  // namespace tocsin::api
