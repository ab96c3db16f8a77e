// Routing of the paths outside /api/v2 (api/handlers.h: outside). Each family lives in its own file.
#include "api/handlers.h"

namespace tocsin::api::handlers {

void outside(Call& c) {
  if (!c.seg.empty() && c.seg[0] == "unsubscribe") return unsubscribe(c);
  if (!c.seg.empty() && c.seg[0] == "resubscribe") return resubscribe(c);
  if (!c.seg.empty() && c.seg[0] == "mail") return mail(c);
  if (!c.seg.empty() && c.seg[0] == "sms") return sms(c);
  if (!c.seg.empty() && c.seg[0] == "t") return tracking(c);
  if (c.seg.size() == 1 && c.seg[0] == "metrics") return metrics(c);
  if (!c.seg.empty() && c.seg[0] == "abuse") return abuse(c);
  c.error(404, "not found; the API lives under /api/v2/");
}

}  // namespace tocsin::api::handlers
