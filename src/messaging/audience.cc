#include "messaging/audience.h"

#include <unordered_set>

#include "actions/action.h"
#include "people/person_filter.h"

namespace tocsin::messaging {

Result<Target> parse_target_href(std::string_view href) {
  while (!href.empty() && href.back() == '/') href.remove_suffix(1);
  auto slash = href.rfind('/');
  if (slash == std::string_view::npos || slash == 0)
    return bad_request("a target must be the href of a list, tag or query");
  std::string id(href.substr(slash + 1));
  auto rest = href.substr(0, slash);
  auto kind = rest.substr(rest.rfind('/') + 1);
  if (id.empty()) return bad_request("a target must be the href of a list, tag or query");
  if (kind == "lists") return Target{Target::Kind::kList, id};
  if (kind == "tags") return Target{Target::Kind::kTag, id};
  if (kind == "queries") return Target{Target::Kind::kQuery, id};
  return bad_request("a target must be the href of a list, tag or query, not " + std::string(kind));
}

Result<std::vector<const Person*>> resolve_audience(const people::OrgState& org, const Message& m) {
  // Views of the ids in list items and taggings (stable under the lock): no string copied per person.
  std::unordered_set<std::string_view> chosen;
  bool everybody = false;
  std::vector<people::PersonMatcher> queries;
  for (const auto& t : m.targets) {
    switch (t.kind) {
      case Target::Kind::kList: {
        bool found = false;
        for (const auto& l : org.lists) found = found || l.id == t.id;
        if (!found) return unprocessable("target list " + t.id + " does not exist");
        chosen.reserve(chosen.size() + org.list_items.size());
        for (const auto& item : org.list_items)
          if (item.list_id == t.id) chosen.insert(item.person_id);
        break;
      }
      case Target::Kind::kTag: {
        if (!org.tags.count(t.id)) return unprocessable("target tag " + t.id + " does not exist");
        for (const auto& [id, tagging] : org.taggings)
          if (tagging.tag_id == t.id) chosen.insert(tagging.person_id);
        break;
      }
      case Target::Kind::kQuery: {
        const actions::Action* q = org.actions.find_action("queries", t.id);
        if (!q) return unprocessable("target query " + t.id + " does not exist");
        auto filter = actions::string_field(q->fields, "tocsin:filter");
        if (!filter || filter->empty()) {
          everybody = true;
          break;
        }
        auto parsed = api::parse_filter(*filter);
        if (!parsed)
          return unprocessable("query " + t.id + " has an invalid tocsin:filter: " + parsed.error().message);
        auto matcher = people::PersonMatcher::make(org, parsed.value());
        if (!matcher) return unprocessable("query " + t.id + ": " + matcher.error().message);
        queries.push_back(std::move(matcher).value());
        break;
      }
    }
  }
  std::vector<const Person*> out;
  out.reserve(everybody ? org.person_order.size() : chosen.size());
  for (const auto& id : org.person_order) {
    const Person* p = org.find_person(id);
    if (!p) continue;
    bool in = everybody || chosen.count(std::string_view(id)) > 0;
    for (size_t i = 0; !in && i < queries.size(); ++i) in = queries[i].matches(*p);
    if (in) out.push_back(p);
  }
  return out;
}

}  // namespace tocsin::messaging
