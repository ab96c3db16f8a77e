// PersonMatcher: Action Network's ?filter= over one organization's people (the OData subset of
// core/odata_filter.h), used by GET /people and by messages that target a query (`tocsin:filter`).
// Field aliases and value normalization (email, phone, dates) happen once in make(); unknown fields match
// nobody rather than failing.
#pragma once

#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/odata_filter.h"
#include "people/directory.h"

namespace tocsin::people {

// Field value of a person for a filter clause; nullopt when the field is not filterable (empty result).
struct PersonMatcher {
  const OrgState* org;
  std::vector<FilterClause> clauses;

  static Result<PersonMatcher> make(const OrgState& org, const Filter& f) {
    PersonMatcher m{&org, f.clauses};
    for (auto& cl : m.clauses) {
      if (cl.field == "email") cl.field = "email_address";
      if (cl.field == "email_address") {
        auto n = normalize_email(cl.value);
        cl.value = email_match_key(n ? n.value() : cl.value);  // compared with the canonical form
      } else if (cl.field == "phone_number") {
        auto n = normalize_phone(cl.value, org.org.default_region);
        if (n) cl.value = n.value();
      } else if (cl.field == "created_date" || cl.field == "modified_date") {
        auto t = parse_iso8601(cl.value);
        if (!t) return bad_request("invalid filter: " + cl.field + " needs a date like '2014-03-25'");
        cl.value = std::to_string(*t);
      }
    }
    return m;
  }

  bool clause_holds(const Person& p, const FilterClause& cl) const {
    const auto& f = cl.field;
    if (f == "created_date") return compare(p.created, cl.op, int64_t{std::stoll(cl.value)});
    if (f == "modified_date") return compare(p.modified, cl.op, int64_t{std::stoll(cl.value)});
    auto any = [&](auto&& values) {
      for (const std::string& v : values)
        if (compare(v, cl.op, cl.value)) return true;
      return false;
    };
    if (f == "given_name") return compare(p.given_name, cl.op, cl.value);
    if (f == "family_name") return compare(p.family_name, cl.op, cl.value);
    if (f == "email_address") return p.email && compare(email_match_key(*p.email), cl.op, cl.value);
    if (f == "phone_number") return p.phone && compare(*p.phone, cl.op, cl.value);
    if (f == "identifier") {
      std::vector<std::string> ids = p.identifiers;
      ids.push_back("action_network:" + p.id);
      return any(ids);
    }
    if (f == "region" || f == "postal_code") {
      std::vector<std::string> vals;
      for (const auto& a : p.postal_addresses) vals.push_back(f == "region" ? a.region : a.postal_code);
      return any(vals);
    }
    return false;  // not a filterable field: nothing matches (never an error, never a 500)
  }

  bool matches(const Person& p) const {
    for (const auto& cl : clauses)
      if (!clause_holds(p, cl)) return false;
    return true;
  }

  // An equality on an indexed field narrows the scan: to at most one person (contact points, identifiers),
  // or to the people of one family name (in creation order).
  std::optional<std::vector<const Person*>> indexed() const {
    for (const auto& cl : clauses) {
      if (cl.op != FilterOp::kEq) continue;
      if (cl.field == "family_name" && !cl.value.empty()) {
        std::vector<const Person*> out;
        if (auto it = org->people_by_family_name.find(cl.value); it != org->people_by_family_name.end())
          for (const Person* p : it->second)
            if (matches(*p)) out.push_back(p);  // the filter's other clauses
        return out;
      }
      const Person* p = nullptr;
      if (cl.field == "email_address")
        p = org->find_by_contact(Channel::kEmail, cl.value);
      else if (cl.field == "phone_number")
        p = org->find_by_contact(Channel::kSms, cl.value);
      else if (cl.field == "identifier") {
        if (cl.value.rfind("action_network:", 0) == 0) {
          p = org->find_person(cl.value.substr(15));
        } else if (auto it = org->person_by_identifier.find(cl.value);
                   it != org->person_by_identifier.end()) {
          p = org->find_person(it->second);
        }
      } else {
        continue;
      }
      std::vector<const Person*> out;
      if (p && matches(*p)) out.push_back(p);
      return out;
    }
    return std::nullopt;
  }
};

}  // namespace tocsin::people
