// Tags, taggings, lists and list items: the ways an organization groups its supporters.
#pragma once

#include <string>

#include "core/clock.h"

namespace tocsin {

struct Tag {
  std::string id;
  std::string name;  // unique per organization, case-insensitively
  Micros created = 0, modified = 0;
};

struct Tagging {
  std::string id;
  std::string tag_id;
  std::string person_id;
  Micros created = 0, modified = 0;
};

// Read-only over the API; created by imports (`tocsin import --list NAME`).
struct PeopleList {
  std::string id;
  std::string name;
  std::string description = "Report";
  Micros created = 0, modified = 0;
};

struct ListItem {
  std::string id;
  std::string list_id;
  std::string person_id;
  Micros created = 0, modified = 0;
};

struct CustomFieldDef {
  std::string name;
  int64_t numeric_id = 0;
  Micros created = 0, modified = 0;
};

}  // namespace tocsin
