#include "app/inbox_watcher.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "app/app.h"
#include "inbox/imap_client.h"

namespace rebound::app {

namespace {

std::string DefaultNode() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

int64_t Jitter(int64_t seconds) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return seconds + static_cast<int64_t>(rng() % static_cast<uint64_t>(std::max<int64_t>(1, seconds / 4 + 1)));
}

}  // namespace

struct InboxWatchers::Watcher {
  store::Inbox inbox;
  std::thread thread;
  int wake = -1;  // eventfd: written to stop the watcher
  std::atomic<bool> stop{false};
};

InboxWatchers::InboxWatchers(App* app, const InboxOptions* options)
    : app_(app), options_(options), node_(options->node.empty() ? DefaultNode() : options->node) {}

InboxWatchers::~InboxWatchers() { Stop(); }

void InboxWatchers::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (manager_.joinable()) return;
  stopping_ = false;
  manager_ = std::thread([this] { Manage(); });
}

void InboxWatchers::Nudge() {
  std::lock_guard<std::mutex> lock(mu_);
  nudged_ = true;
  cv_.notify_all();
}

void InboxWatchers::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (manager_.joinable()) manager_.join();
  for (auto& [id, w] : watchers_) StopWatcher(w.get());
  watchers_.clear();
}

void InboxWatchers::StopWatcher(Watcher* w) {
  w->stop = true;
  uint64_t one = 1;
  if (write(w->wake, &one, sizeof(one)) < 0) {
    // The eventfd cannot be full with one write: nothing to do.
  }
  if (w->thread.joinable()) w->thread.join();
  close(w->wake);
}

void InboxWatchers::Manage() {
  // Renewed at a third of the lease, so that a live node never loses one.
  const int64_t renew = std::max<int64_t>(1, options_->lease_seconds / 3);
  while (true) {
    std::vector<store::Inbox> held;
    {
      StorePool::Lease s;
      std::string error;
      const int64_t now = app_->Now();
      bool ok = app_->pool().Acquire(&s, &error);
      if (ok &&
          !store::ClaimInboxes(*s, node_, now, now + options_->lease_seconds, options_->max_inboxes, &held, &error)) {
        s.Discard();
        ok = false;
      }
      if (!ok) {
        spdlog::warn("inbox leases: {}", error);
        // Keep watching what we have: the leases last a while yet.
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, std::chrono::seconds(renew), [this] { return stopping_; });
        if (stopping_) return;
        continue;
      }
    }
    std::map<int64_t, store::Inbox> now_held;
    for (store::Inbox& i : held) now_held.emplace(i.id, std::move(i));
    // Inboxes removed or lost to another node stop; new ones start.
    for (auto it = watchers_.begin(); it != watchers_.end();) {
      auto h = now_held.find(it->first);
      if (h == now_held.end()) {
        StopWatcher(it->second.get());
        it = watchers_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [id, inbox] : now_held) {
      if (watchers_.count(id) != 0) continue;
      auto w = std::make_unique<Watcher>();
      w->inbox = inbox;
      w->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (w->wake < 0) {
        spdlog::error("inbox {}: no eventfd: {}", id, strerror(errno));
        continue;
      }
      Watcher* raw = w.get();
      watchers_.emplace(id, std::move(w));
      raw->thread = std::thread([this, raw] { Watch(raw); });
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(renew), [this] { return stopping_ || nudged_; });
    nudged_ = false;
    if (stopping_) return;
  }
}

namespace {

// Waits on the watcher's wake fd (and on `fd` when >= 0) for up to
// `seconds`; true when `fd` became readable.
bool WaitFor(int wake, int fd, int64_t seconds) {
  pollfd p[2] = {{wake, POLLIN, 0}, {fd, POLLIN, 0}};
  int r = 0;
  do {
    r = poll(p, fd >= 0 ? 2 : 1, static_cast<int>(std::min<int64_t>(seconds, 86400) * 1000));
  } while (r < 0 && errno == EINTR);
  return r > 0 && fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

// Where a folder was read up to. Loaded from the store once per
// connection: the lease makes this watcher the folder's only writer.
struct Known {
  bool loaded = false;
  bool found = false;
  store::InboxFolder folder;
};

// One folder read on from where it was left: every message after the last
// UID handled, or, when the folder is new to us or its UIDVALIDITY changed,
// every message received since the day before the last sync.
bool SyncFolder(App* app, inbox::ImapClient* imap, const store::Inbox& inbox, const std::string& role,
                const std::string& name, const inbox::FolderStatus& status, Known* known, std::string* error) {
  if (!known->loaded) {
    StorePool::Lease s;
    if (!app->pool().Acquire(&s, error)) return false;
    if (!store::FindFolder(*s, inbox.id, role, &known->folder, &known->found, error)) {
      s.Discard();
      return false;
    }
    known->loaded = true;
  }
  const bool found = known->found;
  store::InboxFolder folder = known->folder;
  std::vector<uint32_t> uids;
  if (found && folder.uidvalidity == status.uidvalidity) {
    if (status.uidnext != 0 && status.uidnext <= folder.last_uid + 1) return true;  // nothing new
    if (!imap->UidsAfter(static_cast<uint32_t>(folder.last_uid), &uids)) return false;
  } else {
    const int64_t since = found ? folder.synced_at - 86400 : inbox.created_at - 86400;
    if (found) {
      spdlog::info("inbox {}: {} UIDVALIDITY changed ({} to {}): rereading since the last sync", inbox.id, name,
                   folder.uidvalidity, status.uidvalidity);
    }
    if (!imap->UidsSince(since, &uids)) return false;
  }
  uint32_t last = found && folder.uidvalidity == status.uidvalidity ? static_cast<uint32_t>(folder.last_uid) : 0;
  bool ok = true;
  if (!imap->Fetch(uids, [&](uint32_t uid, const std::string& raw) {
        if (!ok) return;
        InboxRecord record;
        Status st = app->RecordInboxMessage(inbox, raw, &record);
        if (!st.ok()) {
          *error = "cannot record: " + st.message();
          ok = false;
          return;
        }
        if (record.kind != "ignored") {
          spdlog::info("inbox {}: {} uid {}: {} (send {}, {}){}", inbox.id, name, uid, record.kind, record.send_id,
                       record.matched_by, record.duplicate ? ", already recorded" : "");
        }
        last = std::max(last, uid);
      })) {
    return false;
  }
  if (!ok) return false;
  // Everything up to `last` is recorded: move on.
  folder.inbox_id = inbox.id;
  folder.role = role;
  folder.name = name;
  folder.uidvalidity = status.uidvalidity;
  folder.last_uid = std::max<int64_t>(last, status.uidnext > 0 && uids.empty() ? status.uidnext - 1 : last);
  folder.synced_at = app->Now();
  StorePool::Lease s;
  if (!app->pool().Acquire(&s, error)) return false;
  if (!store::PutFolder(*s, folder, error)) {
    s.Discard();
    return false;
  }
  known->found = true;
  known->folder = folder;
  return true;
}

void SetState(App* app, int64_t id, const std::string& state, const std::string& error) {
  StorePool::Lease s;
  std::string e;
  if (!app->pool().Acquire(&s, &e)) return;
  if (!store::SetInboxState(*s, id, state, error, app->Now(), &e)) {
    s.Discard();
    spdlog::warn("inbox {}: cannot record its state: {}", id, e);
  }
}

}  // namespace

void InboxWatchers::Watch(Watcher* w) {
  const store::Inbox& inbox = w->inbox;
  int64_t backoff = 1;
  bool refresh_token = false;
  std::string last_state;
  while (!w->stop) {
    inbox::ImapOptions o;
    o.host = inbox.imap_host;
    o.port = static_cast<int>(inbox.imap_port);
    o.tls = inbox.imap_tls;
    o.ca_file = options_->ca_file;
    o.timeout_seconds = options_->timeout_seconds;
    inbox::ImapClient imap(o);
    std::string failure;
    std::string state = "unreachable";
    int64_t wait = 0;
    bool connected = imap.Connect();
    if (connected) {
      std::string secret;
      Status st = app_->InboxLogin(inbox, refresh_token, &secret);
      if (!st.ok()) {
        connected = false;
        failure = st.message();
        if (st.code() == Code::kUnauthorized) state = "auth_failed";
      } else {
        const bool logged_in =
            inbox.auth == "oauth2" ? imap.LoginOauth2(inbox.username, secret) : imap.Login(inbox.username, secret);
        secret.assign(secret.size(), '\0');
        if (!logged_in) {
          connected = false;
          failure = imap.error();
          if (imap.error_kind() == inbox::ImapError::kAuth) {
            if (inbox.auth == "oauth2" && !refresh_token) {
              // The access token kept may have been revoked early: a new one first.
              refresh_token = true;
              continue;
            }
            state = "auth_failed";
          }
        }
      }
    } else {
      failure = imap.error();
    }
    if (connected) {
      refresh_token = false;
      backoff = 1;
      SetState(app_, inbox.id, "watching", "");
      last_state = "watching";
      std::string junk;
      Known inbox_known;
      Known junk_known;
      inbox::FolderStatus inbox_status;
      std::string error;
      bool ok = imap.FindJunk(&junk);
      if (ok && !junk.empty()) {
        inbox::FolderStatus junk_status;
        ok = imap.Examine(junk, &junk_status) &&
             SyncFolder(app_, &imap, inbox, "junk", junk, junk_status, &junk_known, &error);
      }
      ok = ok && imap.Examine("INBOX", &inbox_status) &&
           SyncFolder(app_, &imap, inbox, "inbox", "INBOX", inbox_status, &inbox_known, &error);
      const bool idle = imap.HasIdle();
      int64_t junk_due = app_->Now() + options_->poll_seconds;
      while (ok && !w->stop) {
        if (idle) {
          if (!imap.IdleStart()) break;
          const int64_t until_junk = std::max<int64_t>(1, junk_due - app_->Now());
          if (!imap.pending()) {
            WaitFor(w->wake, imap.fd(),
                    junk.empty() ? options_->idle_renew_seconds : std::min(options_->idle_renew_seconds, until_junk));
          }
          if (!imap.IdleDone()) break;
        } else {
          WaitFor(w->wake, -1, options_->poll_seconds);
          if (w->stop) break;
          ok = imap.Noop();
        }
        if (w->stop) break;
        // What IDLE said (or a poll) is read by UID, not by sequence
        // number: the folder's own state is the truth.
        inbox::FolderStatus status;
        ok = ok && imap.Examine("INBOX", &status) &&
             SyncFolder(app_, &imap, inbox, "inbox", "INBOX", status, &inbox_known, &error);
        if (ok && !junk.empty() && app_->Now() >= junk_due) {
          inbox::FolderStatus junk_status;
          ok = imap.Status(junk, &junk_status);
          const store::InboxFolder& known = junk_known.folder;
          if (ok && (!junk_known.found || known.uidvalidity != junk_status.uidvalidity ||
                     junk_status.uidnext > known.last_uid + 1)) {
            ok = imap.Examine(junk, &junk_status) &&
                 SyncFolder(app_, &imap, inbox, "junk", junk, junk_status, &junk_known, &error) &&
                 imap.Examine("INBOX", &status);
          }
          junk_due = app_->Now() + options_->poll_seconds;
        }
      }
      if (w->stop) {
        imap.Logout();
        return;
      }
      failure = !error.empty() ? error : imap.error();
      if (imap.error_kind() == inbox::ImapError::kAuth) state = "auth_failed";
      spdlog::warn("inbox {}: connection lost: {}", inbox.id, failure);
    }
    if (state == "auth_failed") {
      wait = Jitter(options_->auth_retry_seconds);
    } else {
      wait = Jitter(backoff);
      backoff = std::min<int64_t>(backoff * 2, options_->retry_max_seconds);
    }
    if (state != last_state || state == "auth_failed") {
      spdlog::warn("inbox {} ({}): {}: {}; again in {} s", inbox.id, inbox.address, state, failure, wait);
      SetState(app_, inbox.id, state, failure);
      last_state = state;
    }
    WaitFor(w->wake, -1, wait);
  }
}

}  // namespace rebound::app
