// The console's settings (admins and owners): the texting and email program's own fields (postal address,
// brand, support contact, message frequency, tracking), the platform's facts shown but not editable here
// (suspension, the GDPR flag, paused bulk email, caps), the sending domains with the exact DNS record to
// publish and their verification (DKIM, and DMARC with its record), the SMS senders with their type and
// limits, and the API keys (a new key's secret shown once; revoke).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/org.h"
#include "messaging/settings.h"
#include "people/directory.h"
#include "privacy/retention.h"
#include "web/admin/layout.h"

namespace tocsin::web::admin {

struct SettingsView {
  messaging::Settings settings;
  bool gdpr = false;
  struct Domain {
    std::string name, dns_name, dns_value, status, last_check;
    // the bulk-sender (DMARC) row
    std::string dmarc_status{}, dmarc_sentence{}, dmarc_name{}, dmarc_value{};
  };
  std::vector<Domain> domains;
  struct Sender {
    std::string number, type, status;
    bool registered = false;
    double mps = 0;
    int64_t daily_cap = 0;
  };
  std::vector<Sender> senders;
  bool can_keys = false;
  std::vector<ApiKeyRecord> keys;  // the organization's, newest first
  std::string new_key_secret;      // the key just created: shown once, on this answer only
  std::string error;               // the program form came back with this
  // The organization's retention policy (privacy/retention.h; the defaults when none is set), read from the
  // store by the caller; the retention form's error.
  privacy::RetentionPolicy retention;
  std::string retention_error;
};

// Call with the organization's lock held (shared); the keys are the caller's to add.
SettingsView read_settings(const people::OrgState& org);
std::string settings_page(const Frame& f, const SettingsView& v);

// The retention form's four numbers (empty or not a number: 422 naming the field), checked as the CLI checks
// them (privacy::check_retention).
struct RetentionForm {
  std::optional<std::string> inactive_months, evidence_days, inbound_days, delivery_days;
};
Result<privacy::RetentionPolicy> apply_retention_form(const RetentionForm& f);

// The program fields a settings form may change, checked (lengths, no control characters but the postal
// address's line breaks) and applied to `s`. 400 with the field's name otherwise.
struct ProgramForm {
  std::string postal_address, brand_name, support_contact, message_frequency, tracking;  // "", "on", "off"
  bool send_approval = false;
  // Frequency caps as typed (whole numbers; absent: kept as they are): emails per recipient per window (0:
  // none) and texts, which SMS-F1 always caps (at most 3 in at least 24 hours; an organization may only be
  // stricter).
  std::optional<std::string> email_cap, email_cap_hours, sms_cap, sms_cap_hours;
};
Status apply_program_form(const ProgramForm& f, messaging::Settings& s);

}  // namespace tocsin::web::admin
