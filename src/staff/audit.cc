#include "staff/audit.h"

#include "core/ids.h"
#include "core/json_out.h"

namespace tocsin::staff {

std::string encode_audit_event(const AuditEvent& e) {
  JsonOut o;
  o.begin()
      .kv("actor", e.actor)
      .kv("action", e.action)
      .kv("target", e.target)
      .kv("ip", e.ip)
      .kv("at", format_iso8601_micros(e.at));
  return o.end().take();
}

Status DocAuditLog::record(const AuditEvent& e) {
  store::WriteBatch batch;
  batch.for_org(e.org_id).add(store::op::PutDoc{
      {std::string(kAuditKind), new_time_ordered_uuid(e.at / 1000), encode_audit_event(e)}});
  return store_.apply(batch);
}

}  // namespace tocsin::staff
