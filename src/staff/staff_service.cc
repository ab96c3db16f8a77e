#include "staff/staff_service.h"

#include <sodium.h>

#include "core/contact_point.h"
#include "core/doc_fields.h"
#include "core/json_out.h"
#include "staff/lockout.h"
#include "staff/totp.h"

namespace tocsin::staff {
namespace {

constexpr std::string_view kIdContext = "tocsin staff account id v1";

Error wrong_credentials() {
  return Error{401, "wrong email, password or code"};
}

std::string hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

Result<std::string> canonical_email(std::string_view raw) {
  auto n = normalize_email(raw);
  if (!n) return unprocessable(n.error().message);
  return email_match_key(n.value());
}

std::string encode_team(const std::vector<TeamMember>& team) {
  JsonOut o;
  o.begin().begin_array("members");
  for (const auto& m : team)
    o.begin().kv("account_id", m.account_id).kv("email", m.email).kv("role", role_name(m.role)).end();
  return o.end_array().end().take();
}

Result<std::vector<TeamMember>> decode_team(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "staff team");
  if (!root) return root.error();
  std::vector<TeamMember> out;
  simdjson::dom::array members;
  if (root.value()["members"].get_array().get(members)) return out;
  for (auto m : members) {
    DocFields f(m);
    auto role = parse_role(f.str("role"));
    out.push_back({f.str("account_id"), f.str("email"), role.value_or(Role::kViewer)});
  }
  return out;
}

}  // namespace

StaffService::StaffService(store::Store& store, const std::array<unsigned char, 32>& installation_key,
                           AuditLog& audit, StaffOptions options)
    : store_(store), audit_(audit), options_(std::move(options)) {
  if (sodium_init() < 0) return;  // then every hash below fails closed: ids would all be equal zeros
  crypto_generichash(id_key_.data(), id_key_.size(),
                     reinterpret_cast<const unsigned char*>(kIdContext.data()), kIdContext.size(),
                     installation_key.data(), installation_key.size());
}

std::string StaffService::account_id_for(std::string_view email) const {
  const std::string key = email_match_key(email);
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     id_key_.data(), id_key_.size());
  return hex(h, sizeof h);
}

Result<std::optional<Account>> StaffService::load_account(const std::string& id) {
  auto doc = store_.org_doc("", kAccountKind, id);
  if (!doc) return doc.error();
  if (!doc.value()) return std::optional<Account>{};
  auto a = decode_account(doc.value()->doc);
  if (!a) return a.error();
  return std::optional<Account>(std::move(a).value());
}

Result<std::optional<Account>> StaffService::find(std::string_view email) {
  auto e = canonical_email(email);
  if (!e) return std::optional<Account>{};
  return load_account(account_id_for(e.value()));
}

Status StaffService::put_account(const Account& a, const std::string& team_org,
                                 const std::vector<TeamMember>* team) {
  store::WriteBatch batch;
  batch.for_org("").add(store::op::PutDoc{{std::string(kAccountKind), a.id, encode_account(a)}});
  if (team)
    batch.for_org(team_org).add(store::op::PutDoc{{std::string(kTeamKind), "team", encode_team(*team)}});
  return store_.apply(batch);
}

Status StaffService::put_session(const Session& s) {
  store::WriteBatch batch;
  batch.for_org("").add(store::op::PutDoc{{std::string(kSessionKind), s.id, encode_session(s)}});
  return store_.apply(batch);
}

void StaffService::audit(const std::string& org, const std::string& actor, const std::string& action,
                         const std::string& target, const std::string& ip, Micros now) {
  // The action is already durable; an audit write that fails is reported by the log's own error path in
  // the callers that must not proceed without it (exports), here it is best effort by design of login.
  (void)audit_.record({org, actor, action, target, ip, now});
}

Result<StaffService::Created> StaffService::ensure_account(std::string_view email, std::string_view password,
                                                           Micros now) {
  auto e = canonical_email(email);
  if (!e) return e.error();
  auto existing = load_account(account_id_for(e.value()));
  if (!existing) return existing.error();
  if (existing.value()) return Created{std::move(*existing.value()), ""};
  if (auto s = check_new_password(password); !s) return s.error();
  Account a;
  a.email = e.value();
  a.id = account_id_for(a.email);
  auto h = hash_password(password, options_.cost);
  if (!h) return h.error();
  a.password_hash = std::move(h).value();
  auto secret = new_totp_secret();
  if (!secret) return secret.error();
  a.totp_secret = std::move(secret).value();
  a.created = now;
  std::string uri = totp_enrolment_uri(options_.issuer, a.email, a.totp_secret);
  return Created{std::move(a), std::move(uri)};
}

Result<StaffService::Created> StaffService::add_member(const std::string& org_id, std::string_view email,
                                                       Role role, std::string_view password,
                                                       const std::string& actor, Micros now) {
  if (org_id.empty()) return unprocessable("an organization is required");
  std::lock_guard lock(mu_);
  auto c = ensure_account(email, password, now);
  if (!c) return c.error();
  auto team = this->team(org_id);
  if (!team) return team.error();
  bool found = false;
  for (auto& m : team.value())
    if (m.account_id == c->account.id) {
      m.role = role;
      found = true;
    }
  if (!found) {
    if (team->size() >= kMaxTeamSize) return unprocessable("the team is full");
    team->push_back({c->account.id, c->account.email, role});
  }
  c->account.roles[org_id] = role;
  if (auto s = put_account(c->account, org_id, &team.value()); !s) return s.error();
  audit(org_id, actor, c->enrolment_uri.empty() ? "user.role" : "user.create", c->account.id, "", now);
  return c;
}

Result<StaffService::Created> StaffService::set_operator(std::string_view email, std::string_view password,
                                                         const std::string& actor, Micros now) {
  std::lock_guard lock(mu_);
  auto c = ensure_account(email, password, now);
  if (!c) return c.error();
  c->account.platform_operator = true;
  if (auto s = put_account(c->account); !s) return s.error();
  audit("", actor, "user.operator", c->account.id, "", now);
  return c;
}

Status StaffService::reset_password(std::string_view email, std::string_view password,
                                    const std::string& actor, Micros now) {
  if (auto s = check_new_password(password); !s) return s;
  std::lock_guard lock(mu_);
  auto e = canonical_email(email);
  if (!e) return e.error();
  auto a = load_account(account_id_for(e.value()));
  if (!a) return a.error();
  if (!a.value()) return not_found("no staff account has that address");
  Account acc = std::move(*a.value());
  auto h = hash_password(password, options_.cost);
  if (!h) return h.error();
  acc.password_hash = std::move(h).value();
  acc.sessions_valid_after = now + 1;  // every session created so far is revoked
  acc.locked_until = 0;
  acc.failures.clear();
  if (auto s = put_account(acc); !s) return s;
  audit("", actor, "user.reset", acc.id, "", now);
  return Ok{};
}

Result<std::vector<TeamMember>> StaffService::team(const std::string& org_id) {
  auto doc = store_.org_doc(org_id, kTeamKind, "team");
  if (!doc) return doc.error();
  if (!doc.value()) return std::vector<TeamMember>{};
  return decode_team(doc.value()->doc);
}

Result<StaffService::LoggedIn> StaffService::login(std::string_view email, std::string_view password,
                                                   std::string_view code, const std::string& org_id,
                                                   const std::string& ip, Micros now) {
  if (password.size() > kMaxPasswordLength) return wrong_credentials();
  auto e = canonical_email(email);
  std::lock_guard lock(mu_);
  Result<std::optional<Account>> loaded =
      e ? load_account(account_id_for(e.value())) : Result<std::optional<Account>>(std::optional<Account>{});
  if (!loaded) return loaded.error();
  if (!loaded.value()) {
    // Same work as a real check, so the answer's timing does not tell which addresses have accounts.
    static const std::string dummy = hash_password("tocsin dummy password", options_.cost).value();
    (void)verify_password(dummy, password);
    return wrong_credentials();
  }
  Account a = std::move(*loaded.value());
  if (is_locked(a, now)) return Error{429, "too many failed attempts: this account is locked for 15 minutes"};
  auto fail = [&]() -> Result<LoggedIn> {
    const bool locked = record_failure(a, now);
    if (auto s = put_account(a); !s) return s.error();
    audit("", a.id, locked ? "session.locked" : "session.failed", a.id, ip, now);
    if (locked) return Error{429, "too many failed attempts: this account is locked for 15 minutes"};
    return wrong_credentials();
  };
  if (!verify_password(a.password_hash, password)) return fail();
  auto step = totp_accept(a.totp_secret, code, now / 1'000'000, a.last_totp_step);
  if (!step) return fail();

  std::string org = org_id;
  if (org.empty() && !a.roles.empty()) org = a.roles.begin()->first;
  auto role = org.empty() ? std::optional<Role>{} : role_in(a, org);
  if (!org.empty() && !role) return fail();  // not a member of the organization asked for
  if (org.empty() && !a.platform_operator) return fail();

  record_success(a);
  a.last_totp_step = *step;
  if (needs_rehash(a.password_hash, options_.cost))
    if (auto h = hash_password(password, options_.cost)) a.password_hash = std::move(h).value();
  if (auto s = put_account(a); !s) return s.error();

  LoggedIn out;
  out.token = new_session_token();
  Session s;
  s.id = session_id_of(out.token);
  s.account_id = a.id;
  s.org_id = org;
  s.created = s.last_seen = now;
  s.expires = now + kSessionLifetime;
  s.ip = ip;
  if (auto w = put_session(s); !w) return w.error();
  audit(org, a.id, "session.login", s.id.substr(0, 16), ip, now);
  out.principal = {a.id, a.email, org, s.id, role.value_or(Role::kViewer), a.platform_operator};
  return out;
}

Result<Principal> StaffService::authenticate(std::string_view token, Micros now) {
  const std::string id = session_id_of(token);
  if (id.empty()) return Error{401, "not logged in"};
  auto doc = store_.org_doc("", kSessionKind, id);
  if (!doc) return doc.error();
  if (!doc.value()) return Error{401, "not logged in"};
  auto s = decode_session(doc.value()->doc);
  if (!s) return s.error();
  auto a = load_account(s->account_id);
  if (!a) return a.error();
  if (!a.value() || !session_live(s.value(), now, a.value()->sessions_valid_after))
    return Error{401, "session expired; log in again"};
  std::optional<Role> role;
  if (!s->org_id.empty()) {
    role = role_in(*a.value(), s->org_id);
    if (!role) return Error{401, "no longer a member of this organization"};
  } else if (!a.value()->platform_operator) {
    return Error{401, "not logged in"};
  }
  if (now - s->last_seen >= kTouchInterval) {
    s->last_seen = now;
    if (auto w = put_session(s.value()); !w) return w.error();
  }
  return Principal{a.value()->id,
                   a.value()->email,
                   s->org_id,
                   s->id,
                   role.value_or(Role::kViewer),
                   a.value()->platform_operator};
}

Status StaffService::logout(std::string_view token, const std::string& ip, Micros now) {
  const std::string id = session_id_of(token);
  if (id.empty()) return Ok{};
  auto doc = store_.org_doc("", kSessionKind, id);
  if (!doc) return doc.error();
  if (!doc.value()) return Ok{};
  auto s = decode_session(doc.value()->doc);
  if (!s) return s.error();
  if (s->revoked) return Ok{};
  s->revoked = true;
  if (auto w = put_session(s.value()); !w) return w;
  audit(s->org_id, s->account_id, "session.logout", s->id.substr(0, 16), ip, now);
  return Ok{};
}

}  // namespace tocsin::staff
