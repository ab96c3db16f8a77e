#include "web/admin/inbox_screen.h"

#include <mstch/mstch.hpp>

#include <algorithm>
#include <map>

#include "core/clock.h"
#include "web/admin/person_view.h"

namespace tocsin::web::admin {
namespace {

constexpr const char* kInbox = R"(<main><h1>Inbox</h1>
<p>Texts people sent to the organization's numbers, newest first{{#capped}} (the newest {{shown}} of {{total}}){{/capped}}. STOP and its variants opt the number out at once; HELP is answered from the settings. A text without a keyword can be answered for 24 hours, through the same checks as every text (never after an opt-out).</p>
{{#notice}}<div class="{{#refused}}alert{{/refused}}{{^refused}}ok{{/refused}}" role="{{#refused}}alert{{/refused}}{{^refused}}status{{/refused}}" id="reply-notice">{{notice}}</div>{{/notice}}
{{#numbers}}<section aria-labelledby="n-{{number}}"><h2 id="n-{{number}}">To {{number}}</h2>
<div class="scroll"><table aria-labelledby="n-{{number}}"><thead><tr><th scope="col">Received</th><th scope="col">From</th><th scope="col">Text</th><th scope="col">What it did</th></tr></thead><tbody>
{{#rows}}<tr><td>{{received}}</td><td>{{from}}{{#person_id}}<br><a href="/admin/people/{{person_id}}">{{person}}</a>{{/person_id}}</td><td>{{text}}</td><td>{{did}}{{#note}}<br><small>{{note}}</small>{{/note}}{{#reply}}<details><summary>Reply</summary><form method="post" action="/admin/inbox/reply">
<input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="inbound" value="{{id}}">
<label for="reply-{{index}}">Reply to {{from}} from {{to}}</label><textarea id="reply-{{index}}" name="text" rows="3" maxlength="918" required></textarea>
<button type="submit">Send reply</button></form></details>{{/reply}}</td></tr>{{/rows}}
</tbody></table></div></section>{{/numbers}}
{{^numbers}}<p>No texts yet.</p>{{/numbers}}
</main></body></html>
)";

std::string what_it_did(const messaging::StoredInbound& t) {
  if (t.action == "opted_out") return "opted out (" + t.keyword + ")";
  if (t.action == "already_opted_out") return "opt-out repeated (" + t.keyword + "): nothing changed";
  if (t.action == "resubscribed") return "re-subscribed (" + t.keyword + ")";
  if (t.action == "not_resubscribed") return t.keyword + ": nothing to lift";
  if (t.action == "help") return "HELP answered";
  return "kept (no keyword)";
}

}  // namespace

bool repliable(const messaging::StoredInbound& t, Micros now) {
  Micros at = t.received_at ? t.received_at : t.recorded_at;
  return t.action == "stored" && now >= at && now - at < kReplyWindow;
}

Result<InboxView> read_inbox(const people::OrgState& org, store::OrgScope scope) {
  auto docs = scope.docs_of_kind(messaging::kInboundKind);
  if (!docs) return docs.error();
  std::vector<std::pair<std::string, messaging::StoredInbound>> texts;
  for (const auto& d : docs.value())
    if (auto t = messaging::decode_inbound(d.doc)) texts.emplace_back(d.id, std::move(t).value());
  InboxView v;
  v.total = texts.size();
  std::sort(texts.begin(), texts.end(),
            [](const auto& a, const auto& b) { return a.second.recorded_at > b.second.recorded_at; });
  if (texts.size() > kInboxShown) texts.resize(kInboxShown);
  std::map<std::string, size_t> index;
  std::shared_lock lock(org.mu);
  for (auto& [id, t] : texts) {
    auto [it, fresh] = index.emplace(t.to, v.numbers.size());
    if (fresh) v.numbers.push_back({t.to, {}});
    InboxView::Row row{id, std::move(t), ""};
    if (!row.text.person_id.empty()) {
      if (const Person* p = org.find_person(row.text.person_id)) {
        row.person_label = person_label(p);
        v.person_ids.push_back(row.text.person_id);
      } else {
        row.text.person_id.clear();  // erased since: the number alone is kept
      }
    }
    v.numbers[it->second].rows.push_back(std::move(row));
  }
  return v;
}

std::string inbox_page(const Frame& f, const InboxView& v, Micros now, const std::string& notice,
                       bool refused) {
  mstch::array numbers;
  size_t index = 0;
  for (const auto& n : v.numbers) {
    mstch::array rows;
    for (const auto& r : n.rows)
      rows.push_back(mstch::map{
          {"received",
           format_iso8601(r.text.received_at ? r.text.received_at : r.text.recorded_at).substr(0, 16)},
          {"from", r.text.from},
          {"person_id", r.text.person_id},
          {"person", r.person_label},
          {"text", r.text.text},
          {"did", what_it_did(r.text)},
          {"note", r.text.note},
          {"reply", f.can_edit && repliable(r.text, now)},
          {"id", r.id},
          {"to", r.text.to},
          {"csrf", f.csrf},
          {"index", std::to_string(index++)}});
    numbers.push_back(mstch::map{{"number", n.number}, {"rows", rows}});
  }
  size_t shown = 0;
  for (const auto& n : v.numbers) shown += n.rows.size();
  return render_screen("Inbox", &f, kInbox,
                       {{"numbers", numbers},
                        {"notice", notice},
                        {"refused", refused},
                        {"capped", v.total > shown},
                        {"shown", std::to_string(shown)},
                        {"total", std::to_string(v.total)}});
}

}  // namespace tocsin::web::admin
