// The platform operator's screen (/admin/platform): the administrator's powers, separate from every org role
// (docs/CONSOLE.md "Platform operator"). Every organization with its sending state and a Suspend form (a
// reason is required: it is shown with every refusal) or Lift; the open abuse cases (messaging/abuse_case.h),
// newest first; and a form that blocks an address or number platform-wide. No supporter's data is shown.
#pragma once

#include <string>
#include <vector>

#include "messaging/abuse_case.h"
#include "people/directory.h"
#include "store/store.h"
#include "web/admin/layout.h"

namespace tocsin::web::admin {

struct PlatformView {
  struct OrgRow {
    std::string id, name, state;
    int64_t people = 0;
    bool suspended = false;  // by the operator (an overdue evidence request is lifted by answering it)
  };
  std::vector<OrgRow> orgs;
  struct CaseRow {
    messaging::AbuseCase c;
    std::string org_name;
  };
  std::vector<CaseRow> cases;
  std::string notice, error;  // what the last form did, or why it did nothing
};

// Organizations from the directory (each under its shared lock), open cases from the store (every
// organization's and the platform's own, org ''). An error when the store cannot be read.
Result<PlatformView> read_platform(const people::Directory& directory, store::Store& store);
std::string platform_page(const Frame& f, const PlatformView& v);

}  // namespace tocsin::web::admin
