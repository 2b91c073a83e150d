// Use cases of bounces: ingest a raw message, list and read bounce events,
// apply what the SMTP/LMTP receiver stored.
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "store/views.h"

namespace rebound::app {

namespace {

constexpr size_t kInboundBatch = 500;

}  // namespace

Status App::IngestRaw(int64_t account_id, std::string_view raw, IngestResult* out) {
  *out = IngestResult();
  thread_local message::Message message;
  std::vector<Record> records;
  {
    StorePool::Lease s;
    Status st = Lease(&s);
    if (!st.ok()) return st;
    std::string error;
    if (!Prepare(*s, *classifier_, raw, Source{account_id, 0}, &message, &records, &error)) {
      s.Discard();
      return StoreError("ingest lookup", error);
    }
  }
  std::vector<policy::Incoming> incoming;
  std::vector<size_t> where;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!records[i].error.empty()) continue;
    where.push_back(i);
    incoming.push_back(records[i].incoming);
  }
  out->records.resize(records.size());
  for (size_t i = 0; i < records.size(); ++i) out->records[i].record = std::move(records[i]);
  if (incoming.empty()) {
    // Nothing to apply: kept as received all the same, so that nothing
    // given to us is lost, and said so.
    out->stored_as_not_a_bounce = true;
    out->note = out->records.empty() ? "nothing readable in the message" : out->records[0].record.error;
    StorePool::Lease s;
    Status st = Lease(&s);
    if (!st.ok()) return st;
    std::string error;
    if (!store::InsertApiInbound(*s, account_id, std::string(raw), "not_a_bounce", out->note, Now(), &out->inbound_id,
                                 &error)) {
      s.Discard();
      return StoreError("store a raw message", error);
    }
    for (IngestedRecord& r : out->records) r.record.incoming.raw.clear();
    return Status::Ok();
  }
  std::vector<Applied> applied = committer().Apply(std::move(incoming));
  for (size_t k = 0; k < where.size(); ++k) {
    IngestedRecord& r = out->records[where[k]];
    r.applied = applied[k];
    if (!r.applied.committed) return StoreError("ingest commit", r.applied.error);
    r.bounce_id = r.applied.outcome.event_id;
  }
  for (IngestedRecord& r : out->records) r.record.incoming.raw.clear();
  NudgeWebhooks();
  return Status::Ok();
}

Status App::ListBounces(const store::BounceFilter& filter, int64_t before, size_t limit,
                        std::vector<store::BounceEvent>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ListBounceEvents(*s, filter, before, limit, out, &error)) return StoreError("list bounces", error);
  return Status::Ok();
}

Status App::GetBounce(int64_t account_id, int64_t id, store::BounceEvent* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!store::FindBounceEvent(*s, account_id, id, out, &found, &error)) return StoreError("get bounce", error);
  if (!found) return Status::NotFound("no such bounce");
  return Status::Ok();
}

Status App::GetBounceRaw(int64_t account_id, int64_t id, std::string* raw) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!store::BounceEventRaw(*s, account_id, id, raw, &found, &error)) return StoreError("get raw bounce", error);
  if (!found) return Status::NotFound("no such bounce");
  return Status::Ok();
}

Status App::ProcessInbound(int* applied, int* unmatched) {
  *applied = 0;
  *unmatched = 0;
  thread_local message::Message message;
  while (true) {
    StorePool::Lease s;
    Status st = Lease(&s);
    if (!st.ok()) return st;
    std::string error;
    std::vector<store::Store::Inbound> inbound;
    if (!s->Begin(&error) || !s->PendingInbound(kInboundBatch, &inbound, &error)) {
      s->Rollback();
      return StoreError("read stored messages", error);
    }
    s->Rollback();  // PostgreSQL's row locks are not needed past the read
    if (inbound.empty()) return Status::Ok();
    // Classify and correlate every message, then apply them all, then mark
    // them: a crash in between applies them again at the next start, which
    // changes nothing (each bounce's fingerprint).
    std::vector<std::string> state(inbound.size(), "applied");
    std::vector<std::string> note(inbound.size());
    for (size_t i = 0; i < inbound.size(); ++i) {
      const store::Store::Inbound& in = inbound[i];
      std::vector<Record> records;
      if (in.send_id == 0) {
        state[i] = "unmatched";
        note[i] = "no send with the return path's id";
        continue;
      }
      if (!Prepare(*s, *classifier_, in.raw, Source{0, in.send_id}, &message, &records, &error)) {
        return StoreError("read stored messages", error);
      }
      std::vector<policy::Incoming> batch;
      for (Record& r : records) {
        if (r.error.empty()) batch.push_back(std::move(r.incoming));
      }
      if (batch.empty()) {
        state[i] = "unmatched";
        note[i] = records.empty() ? "not a bounce" : records[0].error;
        if (note[i].starts_with("not a bounce")) note[i] = "not a bounce";
        continue;
      }
      committer().Submit(std::move(batch), [&note, &state, i](const std::vector<Applied>& results) {
        for (const Applied& a : results) {
          if (!a.committed) state[i] = "stored";  // left for the next round
          if (!a.error.empty()) note[i] = a.error;
        }
      });
    }
    committer().Flush();
    bool failed = false;
    const int64_t now = Now();
    if (!s->Begin(&error)) return StoreError("mark stored messages", error);
    for (size_t i = 0; i < inbound.size(); ++i) {
      if (state[i] == "stored") {
        failed = true;
        continue;
      }
      if (!s->MarkInbound(inbound[i].id, state[i], note[i], now, &error)) {
        s->Rollback();
        return StoreError("mark stored messages", error);
      }
      ++(state[i] == "applied" ? *applied : *unmatched);
    }
    if (!s->Commit(&error)) return StoreError("mark stored messages", error);
    NudgeWebhooks();
    if (failed) return Status::Unavailable("some stored messages could not be applied; retried later");
  }
}

}  // namespace rebound::app
