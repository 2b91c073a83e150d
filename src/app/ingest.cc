#include "app/ingest.h"

#include <nlohmann/json.hpp>

namespace rebound::app {

namespace {

// The send `id`, when it exists and belongs to `account_id` (0: any).
bool LookUpSend(store::Store& lookup, int64_t id, int64_t account_id, store::Send* send, bool* found,
                std::string* error) {
  *found = false;
  if (id <= 0) return true;
  if (!lookup.FindSend(id, send, found, error)) return false;
  if (*found && account_id != 0 && send->account_id != account_id) *found = false;
  return true;
}

}  // namespace

policy::Incoming IncomingOf(const classify::Verdict& v) {
  policy::Incoming in;
  in.address = v.finding.recipient;
  in.type = v.type;
  in.reason = v.reason;
  in.cause = v.cause;
  in.status = v.finding.status;
  in.reply_code = v.finding.reply_code;
  in.diagnostic = v.finding.diagnostic;
  in.format = std::string(v.format);
  in.evidence = nlohmann::json(v.evidence).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  in.feedback_type = v.finding.feedback_type;
  in.remote_mta = v.finding.remote_mta;
  return in;
}

bool Prepare(store::Store& lookup, const classify::Classifier& classifier, std::string_view raw, const Source& source,
             message::Message* message, std::vector<Record>* out, std::string* error) {
  message->Parse(raw, classifier.options().limits);
  std::vector<classify::Verdict> verdicts;
  classifier.Classify(*message, &verdicts);

  // The return path names the send, and so the account and the recipient.
  store::Send verp_send;
  bool have_verp_send = false;
  if (source.send_id != 0 &&
      !LookUpSend(lookup, source.send_id, source.account_id, &verp_send, &have_verp_send, error)) {
    return false;
  }
  std::vector<std::pair<int64_t, std::string>> account_names;  // looked up once per message
  for (size_t i = 0; i < verdicts.size(); ++i) {
    const classify::Verdict& v = verdicts[i];
    Record rec;
    rec.incoming = IncomingOf(v);
    policy::Incoming& in = rec.incoming;
    in.raw = std::string(raw);
    in.fingerprint_salt = std::to_string(i);
    rec.action = v.finding.action;
    rec.original_message_id = v.original_message_id;
    if (!v.error.empty()) {
      rec.error = "cannot parse: " + v.error;
    } else if (v.type == classify::BounceType::kNone && v.cause == formats::Cause::kUndefined) {
      rec.error = "not a bounce, complaint or delivery notice; not stored";
    } else if (v.finding.recipient.empty() && source.send_id == 0) {
      rec.error = "no recipient found in the bounce; not stored";
    }
    if (!rec.error.empty()) {
      out->push_back(std::move(rec));
      continue;
    }
    in.account_id = source.account_id;
    if (have_verp_send) {
      in.account_id = verp_send.account_id;
      in.send_id = verp_send.id;
      in.address = verp_send.address;
    }
    // Correlate with the send the returned original names.
    if (in.send_id == 0 && !v.original_message_id.empty()) {
      store::Send send;
      bool found = false;
      if (!lookup.FindSendByMessageId(v.original_message_id, &send, &found, error)) return false;
      if (found && (in.account_id == 0 || in.account_id == send.account_id)) {
        in.account_id = send.account_id;
        in.send_id = send.id;
      }
    }
    // Else the send id our own header carries in the returned original.
    if (in.send_id == 0 && !v.original_send_id.empty()) {
      store::Send send;
      bool found = false;
      const int64_t id = std::strtoll(v.original_send_id.c_str(), nullptr, 10);
      if (!LookUpSend(lookup, id, in.account_id, &send, &found, error)) return false;
      if (found) {
        in.account_id = send.account_id;
        in.send_id = send.id;
      }
    }
    if (in.account_id == 0) {
      rec.error = source.send_id != 0 ? "no send with the return path's id"
                                      : "no --account given and no known send in the returned original";
      out->push_back(std::move(rec));
      continue;
    }
    for (const auto& [id, name] : account_names) {
      if (id == in.account_id) rec.account_name = name;
    }
    if (rec.account_name.empty()) {
      store::Account a;
      bool found = false;
      if (!lookup.FindAccountById(in.account_id, &a, &found, error)) return false;
      if (found) rec.account_name = a.name;
      account_names.emplace_back(in.account_id, rec.account_name);
    }
    out->push_back(std::move(rec));
  }
  return true;
}

std::unique_ptr<Committer> Committer::Start(const StorePool& pool, Options options, std::string* error) {
  std::unique_ptr<Committer> c(new Committer(std::move(options)));
  const int n = c->options_.connections < 1 ? 1 : c->options_.connections;
  for (int i = 0; i < n; ++i) {
    std::unique_ptr<store::Store> s = pool.OpenDedicated(error);
    if (!s) return nullptr;
    c->policies_.push_back(
        std::make_unique<policy::Policy>(s.get(), c->options_.settings, c->options_.clock, c->options_.sink));
    c->stores_.push_back(std::move(s));
  }
  c->thread_ = std::thread([p = c.get()] { p->Loop(); });
  return c;
}

std::unique_ptr<Committer> Committer::StartDetached(Options options, const std::string& why) {
  std::unique_ptr<Committer> c(new Committer(std::move(options)));
  c->unavailable_ = why.empty() ? "no connection" : why;
  c->thread_ = std::thread([p = c.get()] { p->Loop(); });
  return c;
}

Committer::~Committer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Committer::Submit(std::vector<policy::Incoming> records, Done done) {
  std::unique_lock<std::mutex> lock(mu_);
  room_cv_.wait(lock, [this] { return queued_records_ <= 4 * options_.batch; });
  queued_records_ += records.size();
  queue_.push_back(Item{std::move(records), std::move(done)});
  ++submitted_;
  if (options_.eager || queued_records_ >= options_.batch) cv_.notify_one();
}

void Committer::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = submitted_;
  if (flush_upto_ < target) flush_upto_ = target;
  cv_.notify_one();
  room_cv_.wait(lock, [&] { return finished_ >= target; });
}

std::vector<Applied> Committer::Apply(std::vector<policy::Incoming> records) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::vector<Applied> results;
  Submit(std::move(records), [&](std::vector<Applied> r) {
    std::lock_guard<std::mutex> lock(mu);
    results = std::move(r);
    done = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  if (!options_.eager) {
    lock.unlock();
    Flush();
    lock.lock();
  }
  cv.wait(lock, [&] { return done; });
  return results;
}

void Committer::Loop() {
  while (true) {
    std::vector<Item> items;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] {
        if (queue_.empty()) return stopping_;
        return options_.eager || stopping_ || queued_records_ >= options_.batch || flush_upto_ > finished_;
      });
      if (queue_.empty() && stopping_) return;
      // Whole messages, up to a batch of records (at least one message).
      size_t records = 0;
      while (!queue_.empty() && (items.empty() || records + queue_.front().records.size() <= options_.batch)) {
        records += queue_.front().records.size();
        queued_records_ -= queue_.front().records.size();
        items.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    room_cv_.notify_all();
    Commit(&items);
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ += items.size();
    }
    room_cv_.notify_all();
  }
}

void Committer::Commit(std::vector<Item>* items) {
  // Flatten, remembering where each record came from.
  std::vector<std::pair<size_t, size_t>> origin;  // item, record
  for (size_t i = 0; i < items->size(); ++i) {
    for (size_t j = 0; j < (*items)[i].records.size(); ++j) origin.emplace_back(i, j);
  }
  std::vector<std::vector<Applied>> results(items->size());
  for (size_t i = 0; i < items->size(); ++i) results[i].resize((*items)[i].records.size());

  if (policies_.empty()) {
    for (size_t i = 0; i < items->size(); ++i) {
      for (Applied& a : results[i]) a.error = "store unavailable: " + unavailable_;
      if ((*items)[i].done) (*items)[i].done(std::move(results[i]));
    }
    return;
  }
  // Partition by address; each partition is one durable transaction.
  const size_t parts_n = policies_.size();
  std::vector<std::vector<size_t>> parts(parts_n);
  for (size_t k = 0; k < origin.size(); ++k) {
    const policy::Incoming& in = (*items)[origin[k].first].records[origin[k].second];
    parts[parts_n == 1 ? 0 : std::hash<std::string>()(in.address) % parts_n].push_back(k);
  }
  auto apply = [&](size_t p) {
    if (parts[p].empty()) return;
    std::vector<policy::Incoming> batch;
    batch.reserve(parts[p].size());
    for (size_t k : parts[p]) batch.push_back(std::move((*items)[origin[k].first].records[origin[k].second]));
    std::vector<policy::Outcome> outcomes;
    std::vector<std::string> errors;
    std::string store_error;
    const bool ok = policies_[p]->ApplyBatch(batch, &outcomes, &errors, &store_error);
    for (size_t j = 0; j < parts[p].size(); ++j) {
      const auto [i, r] = origin[parts[p][j]];
      Applied& a = results[i][r];
      a.committed = ok;
      if (ok) {
        a.outcome = outcomes[j];
        a.error = errors[j];
      } else {
        a.error = "store unavailable: " + store_error;
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t p = 1; p < parts_n; ++p) threads.emplace_back(apply, p);
  apply(0);
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < items->size(); ++i) {
    if ((*items)[i].done) (*items)[i].done(std::move(results[i]));
  }
}

}  // namespace rebound::app
