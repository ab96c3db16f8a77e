#include "people/special_category.h"

#include "core/doc_fields.h"
#include "core/json_out.h"

namespace tocsin::people {

store::OrgDoc encode_special_category(const SpecialCategoryMarks& m) {
  JsonOut j;
  j.begin();
  for (auto [key, ids] : {std::pair{"tags", &m.tags}, {"lists", &m.lists}, {"actions", &m.actions}}) {
    j.begin_array(key);
    for (const auto& id : *ids) j.str(id);
    j.end_array();
  }
  return {std::string(kSpecialCategoryKind), std::string(kSpecialCategoryId), j.end().take()};
}

Result<SpecialCategoryMarks> decode_special_category(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "special_category");
  if (!root) return root.error();
  DocFields f(root.value());
  SpecialCategoryMarks m;
  for (auto& id : f.strings("tags")) m.tags.insert(std::move(id));
  for (auto& id : f.strings("lists")) m.lists.insert(std::move(id));
  for (auto& id : f.strings("actions")) m.actions.insert(std::move(id));
  return m;
}

}  // namespace tocsin::people
