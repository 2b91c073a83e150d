#include "store/stats.h"

#include "store/rows.h"

namespace rebound::store {

bool AddStat(Store& store, int64_t account_id, int64_t at, const std::string& domain, const std::string& metric,
             const std::string& reason, int64_t n, std::string* error) {
  const std::string d = ValidUtf8(domain);
  return store.db().Exec(
             "INSERT INTO stats_hourly (account_id, hour, domain, metric, reason, count) VALUES (?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (account_id, hour, metric, reason, domain) DO UPDATE SET count = stats_hourly.count + "
             "excluded.count",
             {account_id, at / 3600, d, metric, reason, n}, nullptr, error) &&
         store.db().Exec(
             "INSERT INTO stats_daily (account_id, day, domain, metric, reason, count) VALUES (?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (account_id, day, metric, reason, domain) DO UPDATE SET count = stats_daily.count + "
             "excluded.count",
             {account_id, at / 86400, d, metric, reason, n}, nullptr, error);
}

bool ReadStats(Store& store, int64_t account_id, int64_t since, int64_t until, bool daily, std::vector<StatRow>* out,
               std::string* error) {
  Rows rows;
  // Every hour (or day) that overlaps the range.
  const int64_t step = daily ? 86400 : 3600;
  const int64_t first = since / step;
  const int64_t last = (until + step - 1) / step;  // exclusive
  const std::string sql = daily
                              ? "SELECT day * 24, domain, metric, reason, count FROM stats_daily WHERE account_id = ? "
                                "AND day >= ? AND day < ?"
                              : "SELECT hour, domain, metric, reason, count FROM stats_hourly WHERE account_id = ? "
                                "AND hour >= ? AND hour < ?";
  if (!store.db().Exec(sql, {account_id, first, last}, &rows, error)) return false;
  out->reserve(rows.size());
  for (const Row& r : rows) out->push_back(StatRow{AsInt(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), AsInt(r[4])});
  return true;
}

}  // namespace rebound::store
