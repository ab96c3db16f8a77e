// A supporter as Action Network models one: one primary email, one mobile number, postal addresses,
// languages, custom fields and identifiers. Subscription statuses are NOT stored here: they are a
// projection of the consent ledger (consent/projection.h), looked up by the contact point's keyed hash.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace tocsin {

struct GeoLocation {
  std::optional<double> latitude, longitude;
  std::string accuracy;  // "Approximate", "Rooftop", ... (empty = absent)
  bool operator==(const GeoLocation&) const = default;
};

struct PostalAddress {
  bool primary = false;
  std::vector<std::string> address_lines;
  std::string locality, region, postal_code, country, language;
  std::optional<GeoLocation> location;
  bool operator==(const PostalAddress&) const = default;
};

struct Person {
  std::string id;                       // lowercase UUID
  std::string given_name, family_name;  // empty = not set
  std::optional<std::string> email;     // normalized (core/contact_point.h)
  std::optional<std::string> phone;     // E.164
  std::vector<PostalAddress> postal_addresses;
  std::vector<std::string> languages_spoken;
  std::map<std::string, std::string> custom_fields;
  std::vector<std::string> identifiers;  // foreign "system:id" only; action_network:<id> is derived
  std::optional<std::string> birthdate;  // ISO date, used only for the age check
  Micros created = 0, modified = 0;
  // When the person objected to open and click tracking (privacy/tracking_objection.h); 0 = no objection.
  // Kept on the person so it lasts exactly as long as they do, whatever their addresses become.
  Micros tracking_objection = 0;
};

}  // namespace tocsin
