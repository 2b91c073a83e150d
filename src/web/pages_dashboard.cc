// The dashboard: bounce rates over time by type, by reason and by
// receiving domain, the top bouncing domains and the share of each reason,
// drawn by Chart.js from the JSON the page carries (and as tables too).
#include <nlohmann/json.hpp>

#include "app/json.h"
#include "web/page.h"

namespace rebound::web {

namespace {

constexpr size_t kChartDomains = 5;
constexpr size_t kTableDomains = 10;

double Rate(int64_t n, int64_t of) { return of == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(of); }

void Dashboard(Page& p) {
  app::StatsQuery q;
  q.interval = p.Query("interval") == "hour" ? "hour" : "day";
  int64_t days = std::strtoll(p.Query("range").c_str(), nullptr, 10);
  if (days != 2 && days != 7 && days != 30 && days != 90) days = q.interval == "hour" ? 2 : 30;
  if (q.interval == "hour" && days > 7) days = 7;  // at most 168 points a line
  q.until = p.app.Now();
  q.since = q.until - days * 86400;
  std::vector<app::StatsResult> results;
  app::Status st = p.app.StatsBy(p.session.account_id, q, {"type", "reason", "domain"}, &results);
  if (!st.ok()) return p.Failed(st);
  const app::StatsResult& by_type = results[0];
  const app::StatsResult& by_reason = results[1];
  const app::StatsResult& by_domain = results[2];
  nlohmann::json chart;
  nlohmann::json labels = nlohmann::json::array();
  for (int64_t t : by_type.bucket_starts) labels.push_back(FormatShort(p.lang, t, q.interval == "hour"));
  chart["labels"] = labels;
  int64_t total_bounces = 0;
  int64_t hard = 0;
  nlohmann::json type_series = nlohmann::json::array();
  for (const app::StatsSeries& s : by_type.series) {
    nlohmann::json rates = nlohmann::json::array();
    nlohmann::json counts = nlohmann::json::array();
    for (const app::StatsPoint& pt : s.points) {
      rates.push_back(Rate(pt.bounces, pt.sends));
      counts.push_back(pt.bounces);
    }
    if (s.key != "PENDING") total_bounces += s.bounces;
    if (s.key == "HARD") hard = s.bounces;
    type_series.push_back({{"label", p.TypeLabel(s.key)}, {"rates", rates}, {"counts", counts}});
  }
  chart["by_type"] = type_series;
  nlohmann::json reason_series = nlohmann::json::array();
  nlohmann::json share = nlohmann::json::array();
  int64_t reason_total = 0;
  for (const app::StatsSeries& s : by_reason.series) reason_total += s.bounces;
  Data reasons{Data::type::list};
  for (const app::StatsSeries& s : by_reason.series) {
    nlohmann::json counts = nlohmann::json::array();
    for (const app::StatsPoint& pt : s.points) counts.push_back(pt.bounces);
    reason_series.push_back({{"label", p.ReasonLabel(s.key)}, {"counts", counts}});
    share.push_back({{"label", p.ReasonLabel(s.key)}, {"count", s.bounces}});
    Data r;
    r.set("label", p.ReasonLabel(s.key));
    r.set("count", p.Number(s.bounces));
    r.set("share", p.Percent(Rate(s.bounces, reason_total)));
    reasons.push_back(r);
  }
  chart["by_reason"] = reason_series;
  chart["share"] = share;
  nlohmann::json domain_series = nlohmann::json::array();
  Data top{Data::type::list};
  for (size_t i = 0; i < by_domain.series.size(); ++i) {
    const app::StatsSeries& s = by_domain.series[i];
    int64_t sends = 0;
    nlohmann::json rates = nlohmann::json::array();
    for (const app::StatsPoint& pt : s.points) {
      sends += pt.sends;
      rates.push_back(Rate(pt.bounces, pt.sends));
    }
    if (i < kChartDomains) domain_series.push_back({{"label", s.key}, {"rates", rates}});
    if (i < kTableDomains) {
      Data d;
      d.set("domain", s.key);
      d.set("bounces", p.Number(s.bounces));
      d.set("sends", p.Number(sends));
      d.set("rate", p.Percent(Rate(s.bounces, sends)));
      top.push_back(d);
    }
  }
  chart["by_domain"] = domain_series;

  Data d;
  d.set("interval_day", q.interval == "day");
  d.set("interval_hour", q.interval == "hour");
  Data ranges{Data::type::list};
  for (int64_t r : {2, 7, 30, 90}) {
    if (q.interval == "hour" && r > 7) continue;
    Data o;
    o.set("days", std::to_string(r));
    o.set("label", p.T("dashboard.range." + std::to_string(r)));
    o.set("selected", r == days);
    ranges.push_back(o);
  }
  d.set("ranges", ranges);
  d.set("total_sends", p.Number(by_type.total_sends));
  d.set("total_bounces", p.Number(total_bounces));
  d.set("bounce_rate", p.Percent(Rate(total_bounces, by_type.total_sends)));
  d.set("hard_rate", p.Percent(Rate(hard, by_type.total_sends)));
  d.set("top_domains", top);
  d.set("reasons", reasons);
  d.set("chart_json", JsonForScript(chart.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  p.Html(200, "dashboard", d, p.T("dashboard.title"), "dashboard");
}

}  // namespace

void AddDashboardPages(std::vector<PageRoute>* r) { r->push_back({"GET", "/dashboard", Who::kAccountUser, Dashboard}); }

}  // namespace rebound::web
