// Invitations of staff members to an organization (the console's team page, docs/CONSOLE.md "Invitations").
//
// An invitation is a platform-level document (org id '', kind `staff_invitation`), like accounts and
// sessions, whose id is a keyed BLAKE2b hash of a random 256-bit token: the token is only in the email's
// link, so a copy of the database opens no invitation. It holds the organization, the address, the role, who
// invited, when, its expiry (7 days) and whether it was used or revoked. Each organization keeps the ids of
// its pending invitations in one document (kind `staff_invitations`, id `pending`), which the team page lists
// and which makes a second invitation of the same address replace the first (its link stops working).
//
// Every link that does not open a live invitation — unknown, forged, expired, used, revoked — gets the same
// 404, so the answer tells nothing about which. Thread-safe: one mutex serializes every read-modify-write, so
// an invitation is spent once even when its form is posted twice at the same moment.
#pragma once

#include <array>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "staff/role.h"
#include "store/store.h"

namespace tocsin::staff {

inline constexpr std::string_view kInvitationKind = "staff_invitation";
inline constexpr std::string_view kPendingInvitationsKind = "staff_invitations";
inline constexpr Micros kInvitationLifetime = int64_t{7} * 24 * 3600 * 1'000'000;
// Pending invitations per organization: a bound on the team page and on what one owner can queue.
inline constexpr size_t kMaxPendingInvitations = 100;

struct Invitation {
  std::string id;      // hex keyed hash of the token
  std::string org_id;  // the organization it gives a role in
  std::string email;   // lower-cased, as staff accounts hold it
  Role role = Role::kViewer;
  std::string inviter;      // the inviting account's id
  std::string delivery_id;  // message id of its delivery row (the email)
  Micros created = 0, expires = 0, used = 0, revoked = 0;

  bool live(Micros now) const { return !used && !revoked && now < expires; }
};

std::string encode_invitation(const Invitation& i);
Result<Invitation> decode_invitation(std::string_view doc);

class Invitations {
 public:
  Invitations(store::Store& store, const std::array<unsigned char, 32>& installation_key);
  Invitations(const Invitations&) = delete;
  Invitations& operator=(const Invitations&) = delete;

  // The id of a token (hex keyed BLAKE2b-256); "" for a token that is not 64 lower-case hex characters.
  std::string id_of(std::string_view token) const;

  struct Issued {
    Invitation invitation;
    std::string token;  // for the link; never stored
  };
  // A new invitation of `email` (already normalized) to `role` in `org_id`; a pending one of the same
  // address in the organization is revoked in the same write. 422 when the organization has
  // kMaxPendingInvitations pending.
  Result<Issued> issue(const std::string& org_id, const std::string& email, Role role,
                       const std::string& inviter, Micros now);

  // The organization's live invitations, newest first.
  Result<std::vector<Invitation>> pending(const std::string& org_id, Micros now);

  // Revokes a live invitation of `org_id`; 404 when `id` is not one (another organization's included).
  Result<Invitation> revoke(const std::string& org_id, const std::string& id, Micros now);

  // The live invitation a link's token opens; 404 otherwise.
  Result<Invitation> open(std::string_view token, Micros now);

  // Spends the invitation: under the lock, `accept` runs on the live invitation (it gives the role); when it
  // succeeds the invitation is marked used. A 404 as open() gives, or `accept`'s error (nothing spent).
  Result<Invitation> spend(std::string_view token, Micros now,
                           const std::function<Status(const Invitation&)>& accept);

 private:
  Result<std::optional<Invitation>> load(const std::string& id);
  // The live invitation of `token`, or the 404 every other token gets.
  Result<Invitation> load_live(std::string_view token, Micros now);
  Result<std::vector<std::string>> pending_ids(const std::string& org_id);
  // Writes `changed` and the organization's pending list (`ids`) in one batch.
  Status put(const std::vector<Invitation>& changed, const std::string& org_id,
             const std::vector<std::string>& ids);

  store::Store& store_;
  std::array<unsigned char, 32> id_key_{};
  std::mutex mu_;
};

}  // namespace tocsin::staff
