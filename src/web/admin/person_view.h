// The person page's facts (docs/CONSOLE.md): one person's fields, tags, lists, the actions they took, the
// messages that reached them with their delivery states, and the consent timeline of each contact point read
// from the ledger. What the serving state holds is copied under the organization's shared lock (as the API's
// handlers read it); the store reads that follow (ledger, disclosure texts, deliveries) run after the lock is
// released, through the organization's OrgScope, so a slow read never holds up the committer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "consent/verify.h"
#include "core/person.h"
#include "core/result.h"
#include "people/directory.h"

namespace tocsin::web::admin {

// One ledger entry of a contact point, as shown: every evidence field the entry carries.
struct TimelineEntry {
  int64_t seq = 0;
  std::string time, consent_time;  // ISO 8601 UTC; consent_time only when earlier than recording (imports)
  std::string old_status, new_status, actor, source, method, ip, user_agent;
  std::optional<std::string> disclosure;  // the exact text shown; nullopt when the entry names none
  bool intact = true;                     // its hash recomputes from its fields (consent::entry_intact)
};

struct ContactTimeline {
  std::string channel;                 // "email" | "sms"
  std::string address;                 // as stored: the email address, or the number in E.164
  std::string status;                  // the projection's current status
  std::vector<TimelineEntry> entries;  // in ledger order (oldest first)
};

struct ActionTaken {
  std::string title, kind, date;  // kind: the action type's singular ("petition"); date: the record's
};

// A tag of the organization: one the person has (with its Remove button), or one offered by the page's
// "Add a tag" form.
struct TagRef {
  std::string id, name;
};
// At most this many tags are offered (in the organization's tag order); the API tags beyond it.
inline constexpr size_t kMaxTagChoices = 500;

struct MessageReceived {
  std::string name, channel, state, reason, date;  // date: handed over, else last updated
};

// At most this many action records (the newest) and messages (the newest sent) are shown; a person with more
// has `actions_total` / `messages_capped` telling so.
inline constexpr size_t kMaxActionsShown = 100;
inline constexpr size_t kMaxMessagesLooked = 50;

struct PersonView {
  Person person;
  std::string email_status, sms_status;
  std::vector<TagRef> tags;  // the person's, in the organization's tag order
  std::vector<std::string> lists;
  std::vector<TagRef> tag_choices;   // the organization's other tags
  std::vector<ActionTaken> actions;  // newest first
  size_t actions_total = 0;
  std::vector<MessageReceived> messages;  // newest first
  bool messages_capped = false;           // the organization sent more than kMaxMessagesLooked messages
  std::vector<ContactTimeline> timelines;
};

// How a screen names a person in a list: "Given Family", "(no name)", or "(erased)" for a person who is gone.
std::string person_label(const Person* p);

// nullopt when `person_id` is not a person of this organization (another organization's id included).
Result<std::optional<PersonView>> read_person(const people::OrgState& org, store::OrgScope scope,
                                              const std::string& person_id);

// The "Verify" control: consent::verify_chain over the organization's whole ledger, and the stored chain's
// end compared with the chain head this server serves from, so a removed tail is named too (verify_chain
// alone sees only what is there). `summary` is the sentence shown.
struct ChainCheck {
  bool ok = false;
  std::string summary;
};
ChainCheck check_chain(const people::OrgState& org, store::OrgScope scope);

}  // namespace tocsin::web::admin
