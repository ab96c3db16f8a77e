#include "staff/invitation.h"

#include <sodium.h>

#include <algorithm>

#include "core/doc_fields.h"
#include "core/ids.h"
#include "core/json_out.h"

namespace tocsin::staff {
namespace {

constexpr std::string_view kIdContext = "tocsin staff invitation id v1";
constexpr const char* kPendingId = "pending";

Error not_open() {
  return not_found("this invitation link is not valid, was used, revoked or has expired");
}

}  // namespace

std::string encode_invitation(const Invitation& i) {
  JsonOut o;
  o.begin()
      .kv("id", i.id)
      .kv("org_id", i.org_id)
      .kv("email", i.email)
      .kv("role", role_name(i.role))
      .kv("inviter", i.inviter)
      .kv("delivery_id", i.delivery_id)
      .kv("created", i.created)
      .kv("expires", i.expires)
      .kv("used", i.used)
      .kv("revoked", i.revoked);
  return o.end().take();
}

Result<Invitation> decode_invitation(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "staff invitation");
  if (!root) return root.error();
  DocFields f(root.value());
  auto role = parse_role(f.str("role"));
  // An unreadable role opens nothing rather than a default one.
  if (!role) return internal_error("staff invitation without a role");
  return Invitation{f.str("id"),       f.str("org_id"),      f.str("email"),       *role,
                    f.str("inviter"),  f.str("delivery_id"), f.integer("created"), f.integer("expires"),
                    f.integer("used"), f.integer("revoked")};
}

Invitations::Invitations(store::Store& store, const std::array<unsigned char, 32>& installation_key)
    : store_(store) {
  if (sodium_init() < 0) return;
  crypto_generichash(id_key_.data(), id_key_.size(),
                     reinterpret_cast<const unsigned char*>(kIdContext.data()), kIdContext.size(),
                     installation_key.data(), installation_key.size());
}

std::string Invitations::id_of(std::string_view token) const {
  if (token.size() != 64) return {};
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     id_key_.data(), id_key_.size());
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string(hex, sizeof h * 2);
}

Result<std::optional<Invitation>> Invitations::load(const std::string& id) {
  auto doc = store_.org_doc("", kInvitationKind, id);
  if (!doc) return doc.error();
  if (!doc.value()) return std::optional<Invitation>{};
  auto i = decode_invitation(doc.value()->doc);
  if (!i) return i.error();
  return std::optional<Invitation>(std::move(i).value());
}

Result<std::vector<std::string>> Invitations::pending_ids(const std::string& org_id) {
  auto doc = store_.org_doc(org_id, kPendingInvitationsKind, kPendingId);
  if (!doc) return doc.error();
  if (!doc.value()) return std::vector<std::string>{};
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc.value()->doc, parser, "pending staff invitations");
  if (!root) return root.error();
  return DocFields(root.value()).strings("ids");
}

Status Invitations::put(const std::vector<Invitation>& changed, const std::string& org_id,
                        const std::vector<std::string>& ids) {
  store::WriteBatch batch;
  for (const auto& i : changed)
    batch.for_org("").add(store::op::PutDoc{{std::string(kInvitationKind), i.id, encode_invitation(i)}});
  JsonOut o;
  o.begin().begin_array("ids");
  for (const auto& id : ids) o.str(id);
  batch.for_org(org_id).add(
      store::op::PutDoc{{std::string(kPendingInvitationsKind), kPendingId, o.end_array().end().take()}});
  return store_.apply(batch);
}

Result<Invitations::Issued> Invitations::issue(const std::string& org_id, const std::string& email, Role role,
                                               const std::string& inviter, Micros now) {
  if (org_id.empty()) return unprocessable("an organization is required");
  std::lock_guard lock(mu_);
  auto ids = pending_ids(org_id);
  if (!ids) return ids.error();
  std::vector<Invitation> changed;
  std::vector<std::string> keep;
  for (const auto& id : ids.value()) {
    auto old = load(id);
    if (!old) return old.error();
    if (!old.value() || !old.value()->live(now)) continue;  // spent or expired: dropped from the list
    if (old.value()->email == email) {
      old.value()->revoked = now;  // replaced: the old link stops working
      changed.push_back(std::move(*old.value()));
      continue;
    }
    keep.push_back(id);
  }
  if (keep.size() >= kMaxPendingInvitations)
    return unprocessable("too many pending invitations: revoke some first");
  Issued out;
  out.token = random_hex(32);
  Invitation& i = out.invitation;
  i.id = id_of(out.token);
  i.org_id = org_id;
  i.email = email;
  i.role = role;
  i.inviter = inviter;
  i.delivery_id = new_uuid();
  i.created = now;
  i.expires = now + kInvitationLifetime;
  changed.push_back(i);
  keep.push_back(i.id);
  if (auto s = put(changed, org_id, keep); !s) return s.error();
  return out;
}

Result<std::vector<Invitation>> Invitations::pending(const std::string& org_id, Micros now) {
  std::lock_guard lock(mu_);
  auto ids = pending_ids(org_id);
  if (!ids) return ids.error();
  std::vector<Invitation> out;
  for (const auto& id : ids.value()) {
    auto i = load(id);
    if (!i) return i.error();
    if (i.value() && i.value()->org_id == org_id && i.value()->live(now))
      out.push_back(std::move(*i.value()));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created > b.created; });
  return out;
}

Result<Invitation> Invitations::revoke(const std::string& org_id, const std::string& id, Micros now) {
  std::lock_guard lock(mu_);
  auto ids = pending_ids(org_id);
  if (!ids) return ids.error();
  auto& list = ids.value();
  auto it = std::find(list.begin(), list.end(), id);
  if (it == list.end()) return not_found("no such invitation");
  auto i = load(id);
  if (!i) return i.error();
  if (!i.value() || i.value()->org_id != org_id || !i.value()->live(now))
    return not_found("no such invitation");
  Invitation inv = std::move(*i.value());
  inv.revoked = now;
  list.erase(it);
  if (auto s = put({inv}, org_id, list); !s) return s.error();
  return inv;
}

// Called with mu_ held.
Result<Invitation> Invitations::load_live(std::string_view token, Micros now) {
  const std::string id = id_of(token);
  if (id.empty()) return not_open();
  auto i = load(id);
  if (!i) return i.error();
  if (!i.value() || !i.value()->live(now)) return not_open();
  return std::move(*i.value());
}

Result<Invitation> Invitations::open(std::string_view token, Micros now) {
  std::lock_guard lock(mu_);
  return load_live(token, now);
}

Result<Invitation> Invitations::spend(std::string_view token, Micros now,
                                      const std::function<Status(const Invitation&)>& accept) {
  std::lock_guard lock(mu_);
  auto live = load_live(token, now);
  if (!live) return live.error();
  Invitation inv = std::move(live).value();
  if (auto s = accept(inv); !s) return s.error();
  inv.used = now;
  auto ids = pending_ids(inv.org_id);
  if (!ids) return ids.error();
  std::erase(ids.value(), inv.id);
  if (auto s = put({inv}, inv.org_id, ids.value()); !s) return s.error();
  return inv;
}

}  // namespace tocsin::staff
