// Fuzz target: an action or a record of one (petition, event, form, donation, ... and their signatures,
// attendances, submissions) in Action Network's JSON (api/action_json.h). Each body is read as every action
// kind and every record kind: a value or a 400, never a crash.
#include <simdjson.h>

#include <cstdint>

#include "actions/action_type.h"
#include "api/action_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (parser.parse(reinterpret_cast<const char*>(data), size).get(body)) return 0;
  for (const auto& type : tocsin::actions::action_types()) {
    (void)tocsin::api::parse_action(body, type);
    (void)tocsin::api::parse_record(body, type);
  }
  (void)tocsin::api::linked_id(body, "osdi:person");
  return 0;
}
