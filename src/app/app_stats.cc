// The statistics use case: bounce counts and rates over time, by type, by
// reason or by receiving domain, from the hourly counters.
#include <algorithm>
#include <map>

#include "app/app.h"
#include "store/stats.h"

namespace rebound::app {

namespace {

constexpr size_t kMaxBuckets = 2000;
constexpr size_t kMaxDomains = 50;

}  // namespace

Status App::Stats(int64_t account_id, const StatsQuery& query, StatsResult* out) {
  std::vector<StatsResult> results;
  Status st = StatsBy(account_id, query, {query.group_by}, &results);
  if (st.ok()) *out = std::move(results[0]);
  return st;
}

Status App::StatsBy(int64_t account_id, const StatsQuery& in, const std::vector<std::string>& group_bys,
                    std::vector<StatsResult>* results) {
  StatsQuery q = in;
  for (const std::string& g : group_bys) {
    if (g != "type" && g != "reason" && g != "domain") return Status::BadRequest("group_by is type, reason or domain");
  }
  if (q.interval != "hour" && q.interval != "day") return Status::BadRequest("interval is hour or day");
  const int64_t step = q.interval == "hour" ? 3600 : 86400;
  if (q.until == 0) q.until = Now();
  if (q.since == 0) q.since = q.until - (q.interval == "hour" ? 48 * 3600 : 30 * 86400);
  if (q.since >= q.until) return Status::BadRequest("since must be before until");
  const int64_t first = q.since / step * step;
  const size_t buckets = static_cast<size_t>((q.until - first + step - 1) / step);
  if (buckets > kMaxBuckets) {
    return Status::BadRequest("the range holds more than 2000 intervals; choose a shorter range or interval day");
  }
  std::vector<store::StatRow> rows;
  {
    StorePool::Lease s;
    Status st = Lease(&s);
    if (!st.ok()) return st;
    std::string error;
    if (!store::ReadStats(*s, account_id, first, q.until, step == 86400, &rows, &error)) {
      return StoreError("stats", error);
    }
  }
  results->assign(group_bys.size(), StatsResult());
  for (size_t g = 0; g < group_bys.size(); ++g) {
    const std::string& group_by = group_bys[g];
    StatsResult* out = &(*results)[g];
    out->since = q.since;
    out->until = q.until;
    out->bucket_starts.resize(buckets);
    for (size_t i = 0; i < buckets; ++i) out->bucket_starts[i] = first + static_cast<int64_t>(i) * step;
    out->sends.assign(buckets, 0);
    out->delivered.assign(buckets, 0);
    std::map<std::string, std::vector<int64_t>> bounces;   // key -> per bucket
    std::map<std::string, std::vector<int64_t>> sends_by;  // domain -> per bucket
    for (const store::StatRow& r : rows) {
      const int64_t t = r.hour * 3600;
      if (t < first) continue;
      const size_t b = static_cast<size_t>((t - first) / step);
      if (b >= buckets) continue;
      if (r.metric == "sent") {
        out->sends[b] += r.count;
        out->total_sends += r.count;
        if (group_by == "domain") {
          auto& v = sends_by[r.domain];
          v.resize(buckets);
          v[b] += r.count;
        }
        continue;
      }
      if (r.metric == "delivered") {
        out->delivered[b] += r.count;
        continue;
      }
      const std::string* key = nullptr;
      if (group_by == "type") {
        if (r.metric != "HARD" && r.metric != "SOFT" && r.metric != "PENDING") continue;
        key = &r.metric;
      } else if (group_by == "reason") {
        if ((r.metric != "HARD" && r.metric != "SOFT") || r.reason.empty()) continue;
        key = &r.reason;
      } else {
        if (r.metric != "HARD" && r.metric != "SOFT") continue;
        key = &r.domain;
      }
      auto& v = bounces[*key];
      v.resize(buckets);
      v[b] += r.count;
    }
    static const std::vector<int64_t> kNone;
    for (auto& [key, per_bucket] : bounces) {
      StatsSeries series;
      series.key = key;
      const std::vector<int64_t>* denominators = &out->sends;
      if (group_by == "domain") {
        auto it = sends_by.find(key);
        denominators = it == sends_by.end() ? &kNone : &it->second;
      }
      for (size_t b = 0; b < buckets; ++b) {
        StatsPoint p;
        p.start = out->bucket_starts[b];
        p.bounces = per_bucket[b];
        p.sends = b < denominators->size() ? (*denominators)[b] : 0;
        series.bounces += p.bounces;
        series.points.push_back(p);
      }
      out->series.push_back(std::move(series));
    }
    std::stable_sort(out->series.begin(), out->series.end(),
                     [](const StatsSeries& a, const StatsSeries& b) { return a.bounces > b.bounces; });
    if (group_by == "domain" && out->series.size() > kMaxDomains) out->series.resize(kMaxDomains);
  }
  return Status::Ok();
}

}  // namespace rebound::app
