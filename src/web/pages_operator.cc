// The platform operator's pages: accounts, and global bounces with the
// number of accounts (never which) and the lift action.
#include "web/page.h"

namespace rebound::web {

namespace {

void Accounts(Page& p) {
  std::vector<store::Account> accounts;
  app::Status st = p.app.ListAccounts(&accounts);
  if (!st.ok()) return p.Failed(st);
  Data list{Data::type::list};
  for (const store::Account& a : accounts) {
    Data e;
    e.set("name", a.name);
    e.set("policy_label", p.T(a.policy == "healing" ? "settings.healing" : "settings.strict"));
    e.set("created", p.Date(a.created_at));
    list.push_back(e);
  }
  Data d;
  d.set("accounts", list);
  p.Html(200, "operator_accounts", d, p.T("operator.accounts"), "accounts");
}

void Global(Page& p) {
  const std::string after = p.Query("after");
  std::vector<app::GlobalEntry> rows;
  app::Status st = p.app.ListGlobal(after, 51, &rows);
  if (!st.ok()) return p.Failed(st);
  if (p.Query("done") == "lifted") p.notice = p.T("operator.lifted");
  Data d;
  if (rows.size() > 50) {
    rows.resize(50);
    d.set("next_url", "/operator/global?after=" + QueryValue(rows.back().address));
  }
  Data list{Data::type::list};
  int n = 0;
  for (const app::GlobalEntry& g : rows) {
    Data e;
    e.set("n", std::to_string(++n));
    e.set("address", g.address);
    e.set("since", p.Date(g.since));
    e.set("accounts", p.Number(g.accounts));
    e.set("lift_url", "/operator/global/" + PathSegment(g.address) + "/lift");
    e.set("csrf", p.session.csrf);
    list.push_back(e);
  }
  d.set("global", list);
  p.Html(200, "operator_global", d, p.T("operator.global"), "global");
}

void Lift(Page& p) {
  app::Status st = p.app.LiftGlobal(p.params[0], p.session.email, p.Form("why"));
  if (!st.ok()) return p.Failed(st);
  p.Redirect("/operator/global?done=lifted");
}

}  // namespace

void AddOperatorPages(std::vector<PageRoute>* r) {
  r->push_back({"GET", "/operator/accounts", Who::kOperator, Accounts});
  r->push_back({"GET", "/operator/global", Who::kOperator, Global});
  r->push_back({"POST", "/operator/global/{address}/lift", Who::kOperator, Lift});
}

}  // namespace rebound::web
