// What a client asked to change about a person, already validated and normalized (api/person_json.h
// builds it). Absent fields change nothing; fields set to null are cleared (PUT only).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "consent/status.h"
#include "core/person.h"

namespace tocsin::people {

template <typename T>
struct Field {
  enum State { kAbsent, kNull, kValue } state = kAbsent;
  T value{};
  void set(T v) {
    state = kValue;
    value = std::move(v);
  }
  bool present() const { return state == kValue; }
};

struct PersonInput {
  Field<std::string> given_name, family_name;
  Field<std::string> email;                     // normalized
  std::optional<consent::Status> email_status;  // only subscribed/unsubscribed reach here
  Field<std::string> phone;                     // E.164
  std::optional<consent::Status> phone_status;
  Field<std::vector<PostalAddress>> postal_addresses;
  Field<std::vector<std::string>> languages_spoken;
  std::map<std::string, std::optional<std::string>> custom_fields;  // nullopt: remove the field
  std::vector<std::string> identifiers;                             // foreign "system:id" to add
  Field<std::string> birthdate;
};

}  // namespace tocsin::people
