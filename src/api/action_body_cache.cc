#include "api/action_body_cache.h"

#include "api/action_json.h"

namespace tocsin::api {

ActionBodyCache::Read ActionBodyCache::read(const people::OrgState& org, const actions::ActionType& type,
                                            const actions::Action& a, const std::string& api_base) {
  ActionLive live = action_live(org, type, a, api_base);
  Read r;
  if (type.counters.size() + 1 > static_cast<size_t>(markers_.slots())) {  // no marker for each: not kept
    JsonOut j;
    write_action(j, org, type, a, api_base, live);
    auto body = std::make_shared<MarkedText>();
    body->pieces.push_back(j.take());
    r.body = std::move(body);
    return r;
  }
  r.values.push_back(live.creator.value_or(""));
  for (auto& c : live.counters) r.values.push_back(std::move(c));
  const uint64_t stamp = org.actions.definitions();
  const bool with_creator = live.creator.has_value();
  {
    std::lock_guard lock(mu_);
    auto it = bodies_.find(a.id);
    if (it != bodies_.end() && it->second->stamp == stamp && it->second->with_creator == with_creator &&
        it->second->org_id == org.org.id && it->second->api_base == api_base) {
      r.body = it->second;
      return r;
    }
  }
  ActionLive marked;
  for (size_t i = 0; i < type.counters.size(); ++i) marked.counters.push_back(markers_.marker(1 + i));
  if (with_creator) marked.creator = markers_.marker(kCreatorSlot);
  JsonOut j;
  write_action(j, org, type, a, api_base, marked);
  auto body = std::make_shared<Body>();
  static_cast<MarkedText&>(*body) = markers_.cut(j.take());
  body->org_id = org.org.id;
  body->api_base = api_base;
  body->stamp = stamp;
  body->with_creator = with_creator;
  {
    std::lock_guard lock(mu_);
    if (bodies_.size() >= kMaxEntries && !bodies_.contains(a.id)) bodies_.clear();
    bodies_.insert_or_assign(a.id, body);
  }
  r.body = std::move(body);
  return r;
}

}  // namespace tocsin::api
