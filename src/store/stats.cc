#include "store/stats.h"

#include "store/rows.h"

namespace rebound::store {

bool AddStat(Store& store, int64_t account_id, int64_t at, const std::string& domain, const std::string& metric,
             const std::string& reason, int64_t n, std::string* error) {
  return store.db().Exec(
      "INSERT INTO stats_hourly (account_id, hour, domain, metric, reason, count) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id, hour, metric, reason, domain) DO UPDATE SET count = stats_hourly.count + "
      "excluded.count",
      {account_id, at / 3600, ValidUtf8(domain), metric, reason, n}, nullptr, error);
}

bool ReadStats(Store& store, int64_t account_id, int64_t since, int64_t until, std::vector<StatRow>* out,
               std::string* error) {
  Rows rows;
  // Every hour that overlaps the range.
  const int64_t first = since / 3600;
  const int64_t last = (until + 3599) / 3600;  // exclusive
  if (!store.db().Exec("SELECT hour, domain, metric, reason, count FROM stats_hourly WHERE account_id = ? AND hour >= "
                       "? AND hour < ?",
                       {account_id, first, last}, &rows, error)) {
    return false;
  }
  out->reserve(rows.size());
  for (const Row& r : rows) out->push_back(StatRow{AsInt(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), AsInt(r[4])});
  return true;
}

}  // namespace rebound::store
