// Sealing every stored personal value under the current data key (`tocsin keys rotate`), in bounded
// batches while the server keeps serving: each batch is one short transaction, and a row a server wrote
// meanwhile is left to that server's write (store.h Store::reseal) and sealed by the next walk.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/store.h"

namespace tocsin::store {

struct TableProgress {
  std::string table;
  int64_t rows = 0;      // rows walked
  int64_t resealed = 0;  // values sealed again (counting: found stale)
};

struct ResealReport {
  std::vector<TableProgress> tables;  // the last walk's figures
  int64_t resealed = 0;               // over all walks
  int walks = 0;
  bool complete = false;  // the last walk found nothing stale
};

// Walks every sealed table (sealed_tables()) until a walk finds nothing stale, at most `max_walks` times.
// With `count_only`, one walk that changes nothing. `progress` is called after each batch.
Result<ResealReport> reseal_all(Store& store, int batch, bool count_only, int max_walks,
                                const std::function<void(const TableProgress&)>& progress = {});

}  // namespace tocsin::store
