#include "privacy/contact_scope.h"

#include <algorithm>
#include <set>

#include "core/text.h"
#include "messaging/message.h"

namespace tocsin::privacy {
namespace {

std::vector<ContactRef> sorted_unique(std::vector<ContactRef> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

Status add_handed_over(store::OrgScope& scope, const std::string& message_id, std::vector<ContactRef>& out) {
  return scope.for_each_delivery(message_id, [&](const store::DeliveryRow& d) {
    if (d.handed_at == 0 || d.address.empty()) return true;
    out.push_back({d.channel, d.channel == Channel::kEmail ? email_match_key(d.address) : d.address});
    return true;
  });
}

}  // namespace

Result<ContactRef> parse_contact(std::string_view raw, const Org& org) {
  if (raw.find('@') != std::string_view::npos) {
    auto e = normalize_email(raw);
    if (!e) return e.error();
    // The canonical form (core/contact_point.h): Jane@ and jane@ are one contact point with one proof.
    return ContactRef{Channel::kEmail, email_match_key(e.value())};
  }
  auto p = normalize_phone(raw, org.default_region);
  if (!p) return p.error();
  return ContactRef{Channel::kSms, std::move(p).value()};
}

Result<std::vector<ContactRef>> contacts_from_lines(std::string_view text, const Org& org) {
  std::vector<ContactRef> out;
  size_t line_no = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto c = parse_contact(line, org);
    if (!c) return bad_request("line " + std::to_string(line_no) + ": " + c.error().message);
    out.push_back(std::move(c).value());
  }
  if (out.empty()) return bad_request("no contact points given");
  return sorted_unique(std::move(out));
}

Result<std::vector<ContactRef>> contacts_of_message(store::OrgScope& scope, const std::string& message_id) {
  auto doc = scope.doc(messaging::kMessageKind, message_id);
  if (!doc) return doc.error();
  if (!doc.value()) return not_found("no message " + message_id);
  std::vector<ContactRef> out;
  if (auto s = add_handed_over(scope, message_id, out); !s) return s.error();
  return sorted_unique(std::move(out));
}

Result<std::vector<ContactRef>> contacts_of_sender(store::OrgScope& scope, const Org& org,
                                                   const std::string& number) {
  std::string want = number;
  if (auto n = normalize_phone(number, org.default_region)) want = n.value();  // short codes stay as given
  auto docs = scope.docs_of_kind(messaging::kMessageKind);
  if (!docs) return docs.error();
  std::vector<ContactRef> out;
  bool any = false;
  for (const auto& d : docs.value()) {
    auto m = messaging::decode_message(d.doc);
    if (!m || m->channel != Channel::kSms || m->sms_sender != want) continue;
    any = true;
    if (auto s = add_handed_over(scope, m->id, out); !s) return s.error();
  }
  if (!any) return not_found("no message was sent from " + number);
  return sorted_unique(std::move(out));
}

Result<std::vector<ContactRef>> contacts_of_list(store::OrgScope& scope, const std::string& list_id) {
  auto snap = scope.load();
  if (!snap) return snap.error();
  bool found = false;
  for (const auto& l : snap->lists) found |= l.id == list_id;
  if (!found) return not_found("no list " + list_id);
  std::set<std::string> members;
  for (const auto& i : snap->list_items)
    if (i.list_id == list_id) members.insert(i.person_id);
  std::vector<ContactRef> out;
  for (const auto& p : snap->people) {
    if (!members.count(p.id)) continue;
    if (p.email) out.push_back({Channel::kEmail, email_match_key(*p.email)});
    if (p.phone) out.push_back({Channel::kSms, *p.phone});
  }
  return sorted_unique(std::move(out));
}

}  // namespace tocsin::privacy
