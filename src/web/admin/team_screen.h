// The team page (owners only) with its invitation form and pending invitations, and the public pages of an
// invitation's link: the acceptance form, the enrolment shown once to a new account, and the one 404 every
// link that opens nothing gets (docs/CONSOLE.md "Invitations").
#pragma once

#include <string>
#include <vector>

#include "staff/invitation.h"
#include "staff/staff_service.h"
#include "web/admin/layout.h"

namespace tocsin::web::admin {

struct TeamView {
  std::vector<staff::TeamMember> members;
  std::vector<staff::Invitation> pending;
  std::string notice;       // "Invitation sent to ..." after an invitation
  std::string error;        // why the last invitation was not made or could not be sent
  std::string email, role;  // the form's values after an error
};

std::string team_page(const Frame& f, const TeamView& v);

// GET /admin/invite/{token}: who invites to what, with a form (password twice for a new account; a button
// for an address that already has one). `csrf` is the pre-login double-submit token.
std::string invitation_page(const std::string& org_name, const staff::Invitation& i, bool has_account,
                            const std::string& csrf, const std::string& error, const std::string& token);
// After acceptance: for a new account the TOTP enrolment (URI and secret, shown this once).
std::string invitation_accepted_page(const std::string& org_name, const staff::Invitation& i,
                                     const std::string& enrolment_uri, const std::string& secret);
std::string invitation_not_found_page();

}  // namespace tocsin::web::admin
