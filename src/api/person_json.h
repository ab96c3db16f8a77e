// Person in Action Network's JSON: parsing client input into a validated PersonInput, and writing the HAL
// representation. Input is checked completely before anything is applied, so a bad field changes nothing.
#pragma once

#include <simdjson.h>

#include <string>
#include <vector>

#include "core/json_out.h"
#include "people/directory.h"
#include "people/person_input.h"
#include "people/subscribe_rule.h"

namespace tocsin::api {

enum class StatusRule {
  kSubscribeOrUnsubscribe,  // signup helper and PUT
  kSubscribeOnly,           // record helpers (AN: only "subscribed" is valid there)
};

// `person` is the object with given_name, email_addresses, ... `region` is the organization's default
// phone region. Errors are 400s naming the offending field.
Result<people::PersonInput> parse_person(simdjson::dom::element person, std::string_view region,
                                         StatusRule rule);

// The writer of a person write: keyed or keyless, with the key holder's `tocsin:consent` attestation
// ({"source", "method", "disclosure"}: source and method required, strings) read from `body` when keyed.
// A keyless request cannot attest (anyone could claim anything), so its tocsin:consent is ignored.
// docs/API.md "Consent evidence".
Result<people::WriteAuthority> parse_authority(simdjson::dom::element body, bool keyed,
                                               const std::string& age_field);

// A list of strings (add_tags and the like); absent is fine, anything but an array of strings is a 400.
Result<std::vector<std::string>> parse_string_list(simdjson::dom::element parent, const char* key);

// The full HAL person. Caller holds org.mu (shared is enough). `notices` (a write's, e.g. why a phone number
// was kept unsubscribed) become `tocsin:notices` when not empty.
void write_person(JsonOut& j, const people::OrgState& org, const Person& p, const std::string& api_base,
                  const std::vector<std::string>& notices = {});

// What write_person reads, copied under the organization's lock: an answer to a write is then serialized
// after the lock is released and off the group committer's thread (http::Response::render, issue 16).
struct PersonView {
  Person person;
  consent::Status email_status{}, phone_status{};
  std::vector<std::string> notices;
};
PersonView person_view(const people::OrgState& org, const Person& p, std::vector<std::string> notices = {});
void write_person(JsonOut& j, const PersonView& v, const std::string& api_base);

// The curies every resource carries.
void write_curies(JsonOut& j, const std::string& api_base);

}  // namespace tocsin::api
