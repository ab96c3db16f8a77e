// Routing of the paths outside /api/v2 (api/handlers.h: outside). Each family lives in its own file.
#include "api/handlers.h"

namespace tocsin::api::handlers {

void outside(Call& c) {
  c.error(404, "not found; the API lives under /api/v2/");
}

}  // namespace tocsin::api::handlers
