// Special-category markings (GDPR Art. 9(1)): the tags, lists and actions an organization marks as
// revealing special-category data about the people in them — for a political organization, mostly their
// political opinions (a "climate activists" tag, a list of union members, a petition for a cause).
//
// Marking changes nothing by itself; what reads the marks:
//  - a blast targeting a marked tag or list records which marks it used (messaging::Message), and for an
//    organization under the GDPR the gate then sends it only to people whose consent rests on explicit
//    consent or membership (policy reason `special_category_basis_missing`);
//  - the CSV export of a GDPR organization leaves marked tags out unless the exporter names such a basis;
//  - a person's access bundle says which of their tags, lists and actions are marked, and which blasts
//    they received used marked data; the access log notes it.
//
// Kept as one organization document (kind `special_category`, id `marks`) and in OrgState, changed only on
// the committer thread like the rest of OrgState.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace tocsin::people {

inline constexpr std::string_view kSpecialCategoryKind = "special_category";
inline constexpr std::string_view kSpecialCategoryId = "marks";

struct SpecialCategoryMarks {
  std::set<std::string> tags, lists, actions;  // ids

  bool empty() const { return tags.empty() && lists.empty() && actions.empty(); }
  bool operator==(const SpecialCategoryMarks&) const = default;
};

store::OrgDoc encode_special_category(const SpecialCategoryMarks& m);
Result<SpecialCategoryMarks> decode_special_category(std::string_view doc);

}  // namespace tocsin::people
