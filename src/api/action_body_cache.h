// The bodies of GET on one action (/petitions/{id}, and every other kind's), rendered once per definition
// and kept cut at what changes while the definition does not (api/action_json.h ActionLive: the counters,
// which move with every record, and the creator's embedded person). A read takes the current values under
// the organization's shared lock and splices them in after releasing it, so a viral petition's readers
// neither serialize the whole action nor hold the lock for it, and the count they see is exact (issue 16).
//
// An entry serves while its organization's action definitions are unchanged (ActionBook::definitions, which
// every put_action moves: an edit is seen by the next read), while the creator is still there, or still
// absent (an erasure moves no definition), and for the API base it was rendered with. The organization's
// slug, the one other input, is fixed while the organization is held.
//
// Thread-safe: entries are immutable and shared; the map is behind a mutex held only to look up and keep.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actions/action.h"
#include "actions/action_type.h"
#include "core/marked_text.h"
#include "people/directory.h"

namespace tocsin::api {

class ActionBodyCache {
 public:
  // Bounded: when full it starts over.
  static constexpr size_t kMaxEntries = 4096;

  // An action's cut body and this read's values for it.
  struct Read {
    std::shared_ptr<const MarkedText> body;
    std::vector<std::string> values;
    // The body, byte for byte what write_action renders. Needs no lock.
    std::string text() const { return body->fill(values); }
  };

  // Caller holds org.mu (shared is enough).
  Read read(const people::OrgState& org, const actions::ActionType& type, const actions::Action& a,
            const std::string& api_base);

 private:
  struct Body : MarkedText {
    std::string org_id, api_base;
    uint64_t stamp = 0;
    bool with_creator = false;
  };
  static constexpr int kCreatorSlot = 0;  // the counters follow, in type.counters order

  Markers markers_{Markers::kMaxSlots};
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Body>> bodies_;  // by action id
};

}  // namespace tocsin::api
