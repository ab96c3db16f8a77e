// The platform operator's screen (/admin/platform): the administrator's powers, separate from every org role
// (docs/CONSOLE.md "Platform operator"). Every organization with its sending state, its standing (trusted or
// not, an automatic pause of its bulk email or texts with the figures that caused it) and the forms that
// change them; the review queue (held messages with the reason codes and the exact spans that held them,
// approve / reject); the open abuse cases, newest first, with Close (and what closing does); and a form that
// blocks an address or number platform-wide. The decisions are the services the CLI calls (oversight/). No
// supporter's data is shown.
#pragma once

#include <string>
#include <vector>

#include "messaging/abuse_case.h"
#include "oversight/content_review.h"
#include "people/directory.h"
#include "store/store.h"
#include "web/admin/layout.h"

namespace tocsin::web::admin {

struct PlatformView {
  struct OrgRow {
    std::string id, name, state;
    int64_t people = 0;
    bool suspended = false;  // by the operator (an overdue evidence request is lifted by answering it)
    bool trusted = false;
    std::string trusted_reason;
    std::string email_paused, texts_paused;  // the pause's reason with its figures; "" when not paused
  };
  std::vector<OrgRow> orgs;
  struct HeldRow {
    oversight::HeldMessage held;
    std::string org_name;
  };
  std::vector<HeldRow> held;
  struct CaseRow {
    messaging::AbuseCase c;
    std::string org_name;
  };
  std::vector<CaseRow> cases;
  std::string notice, error;  // what the last form did, or why it did nothing
};

// Organizations from the directory (each under its shared lock) with their settings as stored (so a change
// the operator just made shows before the server's one-second refresh), held messages and open cases from
// the store (every organization's and the platform's own, org ''). An error when the store cannot be read.
Result<PlatformView> read_platform(const people::Directory& directory, store::Store& store);
std::string platform_page(const Frame& f, const PlatformView& v);

}  // namespace tocsin::web::admin
