#include "store/sealing/key_rotation.h"

namespace tocsin::store {

Result<ResealReport> reseal_all(Store& store, int batch, bool count_only, int max_walks,
                                const std::function<void(const TableProgress&)>& progress) {
  ResealReport report;
  while (report.walks < (count_only ? 1 : max_walks)) {
    ++report.walks;
    report.tables.clear();
    int64_t found = 0;
    for (const auto& table : sealed_tables()) {
      TableProgress p{std::string(table.name)};
      RowKey after;
      do {
        auto step = store.reseal(table, after, batch, count_only);
        if (!step) return step.error();
        p.rows += step->rows;
        p.resealed += step->resealed;
        after = std::move(step->last);
        if (progress) progress(p);
      } while (!after.empty());
      found += p.resealed;
      report.tables.push_back(std::move(p));
    }
    if (!count_only) report.resealed += found;
    if (found == 0 || count_only) {
      report.complete = found == 0;
      break;
    }
  }
  return report;
}

}  // namespace tocsin::store
