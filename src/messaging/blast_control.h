// Checking, previewing, starting and stopping a blast: the one path the API's message helpers
// (api/message_handlers.cc) and the console's compose, preflight and Send (web/admin/) share, so that no
// button can clear a message the API would refuse, and both say the same thing about who it reaches.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "messaging/message.h"
#include "messaging/planner.h"
#include "people/directory.h"
#include "policy/gate.h"
#include "store/group_commit.h"

namespace tocsin::messaging {

class Dispatcher;
class GateWiring;

// What every edit of a draft must satisfy, whatever it came from (an API body, a console form): header-safe
// single-line fields, bounded lengths, a reply-to and from address that are addresses (normalized), an SMS
// sender that is a number or short code (normalized to E.164), and templates that render. 400 otherwise.
Status check_draft(const people::OrgState& org, Message& m);

// Action Network's preconditions for schedule and send, plus tocsin's: a sender, and targets.
Status ready_to_send(const Message& m);

// The brand texts carry (the gate's view of the organization; its name before one exists). Call with the
// organization's lock held (shared).
std::string brand_of(const people::OrgState& org);

// Who a message would reach if sent now, and why every other targeted person would not. Nothing is written.
struct Preflight {
  Message message;
  Plan plan;  // entries only when asked for (the console's drill-down to names)
  policy::content::Screening screening;
};
// 404 when the organization has no such message, 422 when a target does not resolve. `dispatcher` (may be
// null) supplies what an SMS sender has already sent today, for its daily cap.
Result<Preflight> preflight(people::OrgState& org, const policy::Gate& gate, const Dispatcher* dispatcher,
                            const std::string& message_id, bool keep_entries);

struct BlastServices {
  store::GroupCommitter& committer;
  Dispatcher& dispatcher;
  GateWiring* gate = nullptr;  // null (API-only tests): a held message carries no findings
};

struct BlastStart {
  // Content screening held the message for the platform operator's review (status `held`): nothing leaves.
  bool held = false;
  policy::content::Screening screening;  // the findings that held it
  // Why: the gate's reason code (content_held | new_org_review) and sentence.
  std::string held_reason, held_sentence;
  Channel channel = Channel::kEmail;
  int64_t targeted = 0;
  std::vector<std::string> special_category_used;
};

// Plans every recipient through the gate and stores the plan, then marks the message `sending` (durable)
// and starts the dispatcher once that is durable; or, when content screening holds it, marks it `held`.
// `as_seen` (may be empty) must accept the message as read first and again in the commit: the console
// refuses a draft edited since the sender (or approver) looked at it. `planned` runs after the plan is
// stored and before the status changes (the caller logs a use of special-category data there). `done` runs
// once the status change is durable, or with the error and nothing changed: 404 no such message, 400 not
// ready / targets select nobody / sent meanwhile, 422 the gate refuses the whole message (the sentence and
// reason code).
void start_blast(const BlastServices& services, people::OrgState& org, const std::string& message_id,
                 std::function<Status(const Message&)> as_seen,
                 std::function<void(const PlanSummary&)> planned,
                 std::function<void(Result<BlastStart>)> done);

// In a write (committer thread, the organization's lock held): schedules the draft `message_id` for `at`
// (ready_to_send first), or with no `at` puts a scheduled message back to draft. 404, or 400 with why.
Status reschedule(people::OrgState& org, store::WriteBatch::OrgWrites& w, const std::string& message_id,
                  std::optional<Micros> at, Micros now);

// In a write (committer thread, the organization's lock held): pauses the sending blast `message_id` for the
// staff member `by`, or with `by` empty resumes a blast staff paused. Its run hands over nothing more after
// the rounds already handed to the workers (at most two); resumed, it goes on where it stopped. 404; 400 when
// it is not sending (pause) or not paused by staff (resume). Pausing a paused one again changes nothing.
Status pause_by_staff(people::OrgState& org, store::WriteBatch::OrgWrites& w, const std::string& message_id,
                      const std::string& by, Micros now);

// Halts a blast that is sending or paused: 404 no such message, 400 not sending. Returns its channel.
Result<Channel> stop_blast(Dispatcher& dispatcher, people::OrgState& org, const std::string& message_id);

}  // namespace tocsin::messaging
