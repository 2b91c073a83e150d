// Counters per account, hour and receiving domain: what the statistics
// and the dashboard read. They are kept in the transaction of each change
// (policy::ChangeSink), so that reading a month costs a few hundred rows,
// never a scan of the events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace rebound::store {

struct StatRow {
  int64_t hour = 0;  // seconds since the epoch / 3600 (a day's first hour for daily rows)
  std::string domain;
  std::string metric;  // sent | delivered | HARD | SOFT | PENDING | complaint
  std::string reason;  // for HARD and SOFT; else empty
  int64_t count = 0;
};

bool AddStat(Store& store, int64_t account_id, int64_t at, const std::string& domain, const std::string& metric,
             const std::string& reason, int64_t n, std::string* error);
// Rows of the account for the hours (or, `daily`, the days) that overlap
// [since, until) (times in seconds).
bool ReadStats(Store& store, int64_t account_id, int64_t since, int64_t until, bool daily, std::vector<StatRow>* out,
               std::string* error);

}  // namespace rebound::store
