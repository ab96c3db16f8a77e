#include "messaging/audience.h"

#include <functional>
#include <vector>

#include "actions/action.h"
#include "actions/page_path.h"
#include "people/person_filter.h"

namespace tocsin::messaging {
namespace {

// The person ids that list and tag targets choose: an open-addressing table of views into the list items
// and taggings (stable under the organization's lock). A node-based set allocated a node per person and
// missed the cache three times a lookup; this probes one flat array.
class ChosenIds {
 public:
  void insert(std::string_view id) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    uint64_t h = std::hash<std::string_view>{}(id);
    Slot& s = slots_[find(slots_, h, id)];
    if (s.data) return;
    s = {h, id.data(), id.size()};
    ++size_;
  }
  bool contains(std::string_view id) const {
    if (size_ == 0) return false;
    return slots_[find(slots_, std::hash<std::string_view>{}(id), id)].data != nullptr;
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    const char* data = nullptr;  // null: free (a std::string's data() never is)
    size_t size = 0;
  };
  // The slot holding `id`, or the free one where it belongs; the table is never more than half full.
  static size_t find(const std::vector<Slot>& slots, uint64_t h, std::string_view id) {
    size_t mask = slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots[i];
      if (!s.data || (s.hash == h && std::string_view(s.data, s.size) == id)) return i;
    }
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, old.size() * 2), Slot{});
    for (const Slot& s : old)
      if (s.data) slots_[find(slots_, s.hash, std::string_view(s.data, s.size))] = s;
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace

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
  if (actions::has_page(kind)) return Target{Target::Kind::kAction, id, std::string(kind)};
  return bad_request(
      "a target must be the href of a list, tag, query or action (petition, form, event, "
      "fundraising page, advocacy campaign), not " +
      std::string(kind));
}

std::vector<std::string> special_category_used(const people::OrgState& org, const Message& m) {
  std::vector<std::string> used;
  const auto& marks = org.special_category;
  for (const auto& t : m.targets) {
    switch (t.kind) {
      case Target::Kind::kList:
        if (marks.lists.count(t.id)) used.push_back("list:" + t.id);
        break;
      case Target::Kind::kTag:
        if (marks.tags.count(t.id)) used.push_back("tag:" + t.id);
        break;
      case Target::Kind::kQuery:
        if (marks.actions.count(t.id)) used.push_back("query:" + t.id);
        break;
      case Target::Kind::kAction:
        if (marks.actions.count(t.id)) used.push_back("action:" + t.id);
        break;
    }
  }
  return used;
}

std::string special_category_use_query(const std::string& message_id, const std::vector<std::string>& used) {
  std::string q = "message " + message_id + " targets";
  for (const auto& u : used) q += " " + u;
  return q;
}

Result<std::vector<const Person*>> resolve_audience(const people::OrgState& org, const Message& m) {
  ChosenIds chosen;
  bool everybody = false;
  std::vector<people::PersonMatcher> queries;
  for (const auto& t : m.targets) {
    switch (t.kind) {
      case Target::Kind::kList: {
        bool found = false;
        for (const auto& l : org.lists) found = found || l.id == t.id;
        if (!found) return unprocessable("target list " + t.id + " does not exist");
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
        auto parsed = parse_filter(*filter);
        if (!parsed)
          return unprocessable("query " + t.id + " has an invalid tocsin:filter: " + parsed.error().message);
        auto matcher = people::PersonMatcher::make(org, parsed.value());
        if (!matcher) return unprocessable("query " + t.id + ": " + matcher.error().message);
        queries.push_back(std::move(matcher).value());
        break;
      }
      case Target::Kind::kAction: {
        if (!org.actions.find_action(t.collection, t.id))
          return unprocessable("target " + t.collection + " " + t.id + " does not exist");
        for (const auto& record_id : org.actions.records_of_action(t.id))
          if (const auto* r = org.actions.find_record(record_id)) chosen.insert(r->person_id);
        break;
      }
    }
  }
  std::vector<const Person*> out;
  out.reserve(everybody ? org.people_in_order.size() : chosen.size());
  for (const Person* p : org.people_in_order) {
    bool in = everybody || chosen.contains(p->id);
    for (size_t i = 0; !in && i < queries.size(); ++i) in = queries[i].matches(*p);
    if (in) out.push_back(p);
  }
  return out;
}

}  // namespace tocsin::messaging
