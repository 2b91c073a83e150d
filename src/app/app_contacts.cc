// Use cases of contacts and suppressions: import, the view of a contact
// with its timeline, lists, unbounce, manual suppression, global bounces.
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/csv.h"
#include "store/views.h"

namespace rebound::app {

namespace {

constexpr size_t kImportBatch = 1000;  // contacts per transaction
constexpr size_t kMaxAddress = 320;    // RFC 3696's limit (64 + 1 + 255)

// Why `address` (already normalised) is not one we can mail, or "".
std::string AddressProblem(const std::string& raw, const std::string& address) {
  const size_t at = address.rfind('@');
  if (address.empty() || at == std::string::npos || at == 0 || at + 1 == address.size() ||
      address.find_first_of(" \t\r\n,;<>\"") != std::string::npos || address.size() > kMaxAddress) {
    return "\"" + raw + "\" is not an email address";
  }
  return "";
}

Status LiftStatus(policy::Policy::LiftError code, const std::string& error) {
  using E = policy::Policy::LiftError;
  switch (code) {
    case E::kNotFound:
      return Status::NotFound(error);
    case E::kNeedsConfirmation:
      return Status::ConfirmationRequired(error);
    case E::kGlobal:
      return Status::Forbidden(error);
    case E::kBadRequest:
      return Status::BadRequest(error);
    case E::kNone:
      break;
  }
  return Status::Unavailable("the store is unavailable; try again later");
}

}  // namespace

Status App::ImportContacts(int64_t account_id, const std::vector<ContactInput>& contacts, ImportReport* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  const int64_t now = Now();
  size_t in_batch = 0;
  for (size_t i = 0; i < contacts.size(); ++i) {
    const std::string address = store::NormalizeAddress(contacts[i].address);
    std::string problem = AddressProblem(contacts[i].address, address);
    if (!problem.empty()) {
      out->rejected.push_back({i + 1, problem});
      continue;
    }
    if (in_batch == 0 && !s->Begin(&error)) return StoreError("import contacts", error);
    store::Contact contact;
    if (!s->UpsertContact(account_id, address, contacts[i].properties, now, &contact, &error)) {
      s->Rollback();
      return StoreError("import contacts", error);
    }
    ++out->imported;
    if (++in_batch == kImportBatch) {
      if (!s->Commit(&error)) return StoreError("import contacts", error);
      in_batch = 0;
    }
  }
  if (in_batch > 0 && !s->Commit(&error)) return StoreError("import contacts", error);
  return Status::Ok();
}

Status App::ImportCsv(int64_t account_id, std::istream& in, ImportReport* out) {
  CsvReader csv(in);
  std::vector<std::string> header;
  std::string error;
  if (!csv.Next(&header, &error)) {
    return Status::BadRequest("no header row" + (error.empty() ? std::string() : ": " + error));
  }
  int email_column = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string h = store::NormalizeAddress(header[i]);
    if (h == "email" || h == "address" || h == "email address" || h == "e-mail") email_column = static_cast<int>(i);
  }
  if (email_column < 0) return Status::BadRequest("the header row has no \"email\" column");
  std::vector<ContactInput> contacts;
  std::vector<size_t> lines;
  std::vector<std::string> row;
  auto flush = [&]() -> Status {
    ImportReport part;
    Status st = ImportContacts(account_id, contacts, &part);
    if (!st.ok()) return st;
    out->imported += part.imported;
    for (const ImportReport::RowError& e : part.rejected) out->rejected.push_back({lines[e.row - 1], e.error});
    contacts.clear();
    lines.clear();
    return Status::Ok();
  };
  while (true) {
    error.clear();
    const size_t line = csv.line() + 1;
    if (!csv.Next(&row, &error)) {
      if (error.empty()) break;  // end of input
      out->rejected.push_back({line, error});
      continue;
    }
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    if (row.size() != header.size()) {
      out->rejected.push_back(
          {line, std::to_string(row.size()) + " fields where the header has " + std::to_string(header.size())});
      continue;
    }
    nlohmann::json properties = nlohmann::json::object();
    for (size_t i = 0; i < header.size(); ++i) {
      if (static_cast<int>(i) != email_column) properties[header[i]] = row[i];
    }
    contacts.push_back({row[email_column], properties.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    lines.push_back(line);
    if (contacts.size() == kImportBatch) {
      Status st = flush();
      if (!st.ok()) return st;
    }
  }
  return flush();
}

Status App::GetContact(int64_t account_id, const std::string& address, ContactDetail* out, bool with_history) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  out->address = store::NormalizeAddress(address);
  policy::Policy policy = PolicyOn(s.get());
  if (!policy.View(account_id, out->address, &out->view, &error, with_history) ||
      !store::Timeline(*s, account_id, out->address, out->view.exists ? out->view.contact.id : 0, &out->timeline,
                       &error)) {
    return StoreError("get contact", error);
  }
  out->global_since = out->view.global_since;
  return Status::Ok();
}

Status App::ListContacts(const store::ContactFilter& filter, int64_t after, size_t limit,
                         std::vector<store::ContactRow>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ListContacts(*s, filter, after, limit, out, &error)) return StoreError("list contacts", error);
  return Status::Ok();
}

Status App::Unbounce(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                     bool confirm) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  policy::Policy::LiftError code = policy::Policy::LiftError::kNone;
  policy::Policy policy = PolicyOn(s.get());
  if (!policy.Unbounce(account_id, address, by, why, confirm, &code, &error)) {
    if (code == policy::Policy::LiftError::kNone) return StoreError("unbounce", error);
    return LiftStatus(code, error);
  }
  NudgeWebhooks();
  return Status::Ok();
}

Status App::Eligibility(int64_t account_id, const std::vector<std::string>& addresses,
                        std::vector<policy::Exclusion>* excluded) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  policy::Policy policy = PolicyOn(s.get());
  if (!policy.Eligibility(account_id, addresses, excluded, &error)) return StoreError("eligibility", error);
  return Status::Ok();
}

Status App::ListSuppressions(const store::SuppressionFilter& filter, const std::string& after, size_t limit,
                             std::vector<store::Suppression>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ListSuppressionsPage(*s, filter, after, limit, out, &error)) {
    return StoreError("list suppressions", error);
  }
  return Status::Ok();
}

Status App::ForEachSuppression(int64_t account_id, const std::function<bool(const store::Suppression&)>& row) {
  constexpr size_t kPage = 5000;
  std::string after;
  store::SuppressionFilter filter;
  filter.account_id = account_id;
  while (true) {
    std::vector<store::Suppression> page;
    Status st = ListSuppressions(filter, after, kPage, &page);
    if (!st.ok()) return st;
    for (const store::Suppression& s : page) {
      if (!row(s)) return Status::Ok();  // the reader went away
    }
    if (page.size() < kPage) return Status::Ok();
    after = page.back().address;
  }
}

Status App::Suppress(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                     bool* created, store::Suppression* out) {
  const std::string a = store::NormalizeAddress(address);
  std::string problem = AddressProblem(address, a);
  if (!problem.empty()) return Status::BadRequest(problem);
  if (by.empty() || why.empty()) return Status::BadRequest("a manual suppression needs \"by\" and \"why\"");
  if (by.size() > 200 || why.size() > 2000) return Status::BadRequest("\"by\" or \"why\" is too long");
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool already = false;
  policy::Policy policy = PolicyOn(s.get());
  if (!policy.Suppress(account_id, a, by, why, &already, &error)) return StoreError("suppress", error);
  *created = !already;
  bool found = false;
  if (!s->FindSuppression(account_id, a, out, &found, &error)) return StoreError("suppress", error);
  NudgeWebhooks();
  return Status::Ok();
}

Status App::RemoveSuppression(int64_t account_id, const std::string& address, const std::string& by,
                              const std::string& why, bool confirm) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  policy::Policy::LiftError code = policy::Policy::LiftError::kNone;
  policy::Policy policy = PolicyOn(s.get());
  if (!policy.RemoveSuppression(account_id, address, by, why, confirm, &code, &error)) {
    if (code == policy::Policy::LiftError::kNone) return StoreError("remove suppression", error);
    return LiftStatus(code, error);
  }
  NudgeWebhooks();
  return Status::Ok();
}

Status App::ListGlobal(const std::string& after, size_t limit, std::vector<GlobalEntry>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  std::vector<std::pair<std::string, int64_t>> all;
  if (!s->ListGlobal(&all, &error)) return StoreError("list global", error);
  const int64_t since = Now() - options_.policy.global_window;
  const std::vector<std::string> dead = {"UNKNOWN_USER", "MAILBOX_FULL"};
  for (const auto& [address, at] : all) {
    if (!after.empty() && address <= after) continue;
    if (out->size() == limit) break;
    GlobalEntry e{address, at, 0};
    if (!s->CountAccountsWithHardBounce(address, dead, since, &e.accounts, &error)) {
      return StoreError("list global", error);
    }
    out->push_back(std::move(e));
  }
  return Status::Ok();
}

Status App::LiftGlobal(const std::string& address, const std::string& operator_name, const std::string& why) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  int64_t global_since = 0;
  int64_t lifted = 0;
  const std::string a = store::NormalizeAddress(address);
  if (!s->GlobalState(a, &global_since, &lifted, &error)) return StoreError("lift global", error);
  if (global_since == 0) return Status::NotFound(a + " is not globally bounced");
  if (operator_name.empty() || why.empty()) return Status::BadRequest("lifting needs \"operator\" and \"why\"");
  policy::Policy policy = PolicyOn(s.get());
  if (!policy.LiftGlobal(a, operator_name, why, &error)) return StoreError("lift global", error);
  return Status::Ok();
}

}  // namespace rebound::app
