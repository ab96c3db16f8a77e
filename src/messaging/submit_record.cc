#include "messaging/submit_record.h"

#include <memory>

#include "messaging/autoresponder.h"
#include "messaging/resubscribe_confirmation.h"

namespace tocsin::messaging {

void submit_record(const SubmitServices& services, people::OrgState& org, Submission s, RenderOutcome render,
                   std::function<void(Result<std::string>)> done) {
  // Set by the write, used once it is durable: the record that asked for an autoresponse, and the person
  // and address a keyless re-subscription must confirm (messaging/resubscribe_confirmation.h).
  auto asked = std::make_shared<std::string>();
  auto confirm = std::make_shared<std::pair<std::string, std::string>>();
  auto sub = std::make_shared<Submission>(std::move(s));
  commit_org_write(
      services.committer, org,
      [sub, render, asked, confirm](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                    Micros now) -> Result<std::string> {
        if (sub->shown_version) {
          const actions::Action* a = o.actions.find_action(sub->action_id);
          if (a && a->disclosure_version != *sub->shown_version)
            return Error{409, "the disclosure of this action changed since the page was shown"};
        }
        auto r = actions::record_helper(o, *sub->type, sub->action_id, sub->action_url, sub->input,
                                        sub->evidence, sub->rules, w, now);
        if (!r) return r.error();
        if (sub->input.record.autoresponse_requested) *asked = r->record->id;
        if (r->confirm_email) *confirm = {r->record->person_id, *r->confirm_email};
        return render(o, r.value());
      },
      [done = std::move(done), responder = services.autoresponder, confirmations = services.confirmations,
       org_id = org.org.id, asked, confirm](Result<std::string> out) {
        if (out) {
          if (responder && !asked->empty()) responder->request(org_id, *asked);
          if (confirmations && !confirm->second.empty())
            confirmations->request(org_id, confirm->first, confirm->second);
        }
        done(std::move(out));
      });
}

}  // namespace tocsin::messaging
