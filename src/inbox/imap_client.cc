#include "inbox/imap_client.h"

#include <fcntl.h>
#include <libetpan/libetpan.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "inbox/tls_stream.h"

namespace rebound::inbox {

struct ImapClient::Session {
  mailimap* imap = nullptr;
  ~Session() {
    if (imap != nullptr) mailimap_free(imap);
  }
};

namespace {

// A TCP connection with a timeout (libetpan's own connect waits as long as
// the kernel does).
int ConnectTcp(const std::string& host, int port, int timeout_seconds, std::string* error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int r = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (r != 0) {
    *error = "cannot resolve " + host + ": " + gai_strerror(r);
    return -1;
  }
  int fd = -1;
  std::string last = "no address";
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int soerr = 0;
      socklen_t len = sizeof(soerr);
      if (poll(&p, 1, timeout_seconds * 1000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
          soerr == 0) {
        break;
      }
      last = soerr != 0 ? strerror(soerr) : "timed out";
    } else {
      last = strerror(errno);
    }
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    *error = "cannot connect to " + host + ":" + std::to_string(port) + ": " + last;
    return -1;
  }
  // libetpan's socket stream reads blocking, with its own timeout.
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

ImapError KindOf(int code) {
  switch (code) {
    case MAILIMAP_ERROR_STREAM:
    case MAILIMAP_ERROR_CONNECTION_REFUSED:
    case MAILIMAP_ERROR_SSL:
      return ImapError::kNetwork;
    case MAILIMAP_ERROR_LOGIN:
      return ImapError::kAuth;
    default:
      return ImapError::kProtocol;
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

ImapClient::ImapClient(ImapOptions options) : options_(std::move(options)), s_(std::make_unique<Session>()) {}
ImapClient::~ImapClient() = default;

bool ImapClient::Fail(int code, const std::string& what) {
  error_kind_ = KindOf(code);
  error_ = what;
  if (s_->imap != nullptr && s_->imap->imap_response != nullptr && s_->imap->imap_response[0] != '\0') {
    error_ += std::string(": ") + s_->imap->imap_response;
  } else if (code != MAILIMAP_NO_ERROR) {
    error_ += " (libetpan error " + std::to_string(code) + ")";
  }
  return false;
}

// Servers announce more after login (IDLE among them); libetpan keeps what
// CAPABILITY said for mailimap_has_idle.
void ImapClient::ReadCapabilities() {
  mailimap_capability_data* caps = nullptr;
  if (mailimap_capability(s_->imap, &caps) == MAILIMAP_NO_ERROR) mailimap_capability_data_free(caps);
}

bool ImapClient::Connect() {
  s_ = std::make_unique<Session>();
  s_->imap = mailimap_new(0, nullptr);
  if (s_->imap == nullptr) return Fail(MAILIMAP_ERROR_MEMORY, "out of memory");
  mailimap_set_timeout(s_->imap, options_.timeout_seconds);
  std::string error;
  int fd = ConnectTcp(options_.host, options_.port, options_.timeout_seconds, &error);
  if (fd < 0) {
    error_kind_ = ImapError::kNetwork;
    error_ = error;
    return false;
  }
  TlsOptions tls{options_.host, options_.ca_file, options_.verify, options_.timeout_seconds};
  mailstream_low* low = nullptr;
  if (options_.tls == "tls") {
    low = OpenTls(fd, tls, &error);
    if (low == nullptr) {
      error_kind_ = ImapError::kNetwork;
      error_ = error;
      return false;
    }
  } else {
    low = mailstream_low_socket_open(fd);
    if (low == nullptr) {
      close(fd);
      return Fail(MAILIMAP_ERROR_MEMORY, "out of memory");
    }
  }
  mailstream_low_set_timeout(low, options_.timeout_seconds);
  mailstream* stream = mailstream_new(low, 8192);
  if (stream == nullptr) {
    mailstream_low_close(low);
    mailstream_low_free(low);
    return Fail(MAILIMAP_ERROR_MEMORY, "out of memory");
  }
  int r = mailimap_connect(s_->imap, stream);
  if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
    return Fail(r, "no IMAP greeting from " + options_.host);
  }
  if (options_.tls == "starttls") {
    r = mailimap_starttls(s_->imap);
    if (r != MAILIMAP_NO_ERROR) return Fail(r, options_.host + " refused STARTTLS");
    mailstream_low* plain = mailstream_get_low(s_->imap->imap_stream);
    mailstream_low* secure = OpenTls(mailstream_low_get_fd(plain), tls, &error);
    if (secure == nullptr) {
      error_kind_ = ImapError::kNetwork;
      error_ = error;
      return false;
    }
    mailstream_low_set_timeout(secure, options_.timeout_seconds);
    // As libetpan's own STARTTLS does: the plain driver goes, the socket stays.
    mailstream_low_free(plain);
    mailstream_set_low(s_->imap->imap_stream, secure);
  }
  // The capabilities said before TLS must not be trusted (RFC 3501 6.2.1).
  mailimap_capability_data* caps = nullptr;
  r = mailimap_capability(s_->imap, &caps);
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "CAPABILITY failed");
  mailimap_capability_data_free(caps);
  return true;
}

bool ImapClient::Login(const std::string& user, const std::string& password) {
  int r = mailimap_login(s_->imap, user.c_str(), password.c_str());
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "login refused");
  ReadCapabilities();
  return true;
}

bool ImapClient::LoginOauth2(const std::string& user, const std::string& access_token) {
  int r = mailimap_oauth2_authenticate(s_->imap, user.c_str(), access_token.c_str());
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "XOAUTH2 login refused");
  ReadCapabilities();
  return true;
}

bool ImapClient::HasIdle() const { return s_->imap != nullptr && mailimap_has_idle(s_->imap) != 0; }

bool ImapClient::FindJunk(std::string* name) {
  name->clear();
  clist* list = nullptr;
  int r = mailimap_list(s_->imap, "", "*", &list);
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "LIST failed");
  std::string by_name;
  // The names mail services give their junk folders when they do not say.
  static const char* const kNames[] = {"junk", "spam", "junk e-mail", "junk email", "[gmail]/spam", "bulk mail"};
  for (clistiter* it = clist_begin(list); it != nullptr; it = clist_next(it)) {
    auto* mb = static_cast<mailimap_mailbox_list*>(clist_content(it));
    if (mb == nullptr || mb->mb_name == nullptr) continue;
    if (mb->mb_flag != nullptr && mb->mb_flag->mbf_oflags != nullptr) {
      for (clistiter* f = clist_begin(mb->mb_flag->mbf_oflags); f != nullptr; f = clist_next(f)) {
        auto* flag = static_cast<mailimap_mbx_list_oflag*>(clist_content(f));
        if (flag->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT || flag->of_flag_ext == nullptr) continue;
        std::string ext = Lower(flag->of_flag_ext);
        if (!ext.empty() && ext[0] == '\\') ext.erase(0, 1);
        if (ext == "junk") *name = mb->mb_name;
      }
    }
    const std::string lower = Lower(mb->mb_name);
    for (const char* n : kNames) {
      if (by_name.empty() && lower == n) by_name = mb->mb_name;
    }
  }
  mailimap_list_result_free(list);
  if (name->empty()) *name = by_name;
  return true;
}

bool ImapClient::Examine(const std::string& folder, FolderStatus* out) {
  int r = mailimap_examine(s_->imap, folder.c_str());
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "EXAMINE " + folder + " failed");
  const mailimap_selection_info* info = s_->imap->imap_selection_info;
  *out = FolderStatus{};
  if (info != nullptr) {
    out->uidvalidity = info->sel_uidvalidity;
    out->uidnext = info->sel_uidnext;
    out->exists = info->sel_exists;
  }
  return true;
}

bool ImapClient::Status(const std::string& folder, FolderStatus* out) {
  mailimap_status_att_list* atts = mailimap_status_att_list_new_empty();
  mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDNEXT);
  mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDVALIDITY);
  mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES);
  mailimap_mailbox_data_status* result = nullptr;
  int r = mailimap_status(s_->imap, folder.c_str(), atts, &result);
  mailimap_status_att_list_free(atts);
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "STATUS " + folder + " failed");
  *out = FolderStatus{};
  for (clistiter* it = clist_begin(result->st_info_list); it != nullptr; it = clist_next(it)) {
    auto* info = static_cast<mailimap_status_info*>(clist_content(it));
    if (info->st_att == MAILIMAP_STATUS_ATT_UIDNEXT) out->uidnext = info->st_value;
    if (info->st_att == MAILIMAP_STATUS_ATT_UIDVALIDITY) out->uidvalidity = info->st_value;
    if (info->st_att == MAILIMAP_STATUS_ATT_MESSAGES) out->exists = info->st_value;
  }
  mailimap_mailbox_data_status_free(result);
  return true;
}

namespace {

bool Uids(mailimap* imap, mailimap_search_key* key, std::vector<uint32_t>* out, int* code) {
  clist* result = nullptr;
  *code = mailimap_uid_search(imap, nullptr, key, &result);
  mailimap_search_key_free(key);
  if (*code != MAILIMAP_NO_ERROR) return false;
  for (clistiter* it = clist_begin(result); it != nullptr; it = clist_next(it)) {
    out->push_back(*static_cast<uint32_t*>(clist_content(it)));
  }
  mailimap_search_result_free(result);
  std::sort(out->begin(), out->end());
  return true;
}

}  // namespace

bool ImapClient::UidsAfter(uint32_t after, std::vector<uint32_t>* out) {
  // "UID n:*" always names the last message, even below n: filter.
  mailimap_search_key* key = mailimap_search_key_new_uid(mailimap_set_new_interval(after + 1, 0));
  int code = 0;
  std::vector<uint32_t> all;
  if (!Uids(s_->imap, key, &all, &code)) return Fail(code, "UID SEARCH failed");
  for (uint32_t u : all) {
    if (u > after) out->push_back(u);
  }
  return true;
}

bool ImapClient::UidsSince(int64_t since, std::vector<uint32_t>* out) {
  time_t t = static_cast<time_t>(since);
  tm day{};
  gmtime_r(&t, &day);
  mailimap_search_key* key =
      mailimap_search_key_new_since(mailimap_date_new(day.tm_mday, day.tm_mon + 1, day.tm_year + 1900));
  int code = 0;
  if (!Uids(s_->imap, key, out, &code)) return Fail(code, "UID SEARCH SINCE failed");
  return true;
}

bool ImapClient::Fetch(const std::vector<uint32_t>& uids,
                       const std::function<void(uint32_t uid, const std::string& raw)>& each) {
  // A few at a time: a mailbox's messages may be large.
  constexpr size_t kBatch = 20;
  for (size_t start = 0; start < uids.size(); start += kBatch) {
    mailimap_set* set = mailimap_set_new_empty();
    const size_t end = std::min(uids.size(), start + kBatch);
    for (size_t i = start; i < end; ++i) mailimap_set_add_single(set, uids[i]);
    mailimap_fetch_type* type = mailimap_fetch_type_new_fetch_att_list_empty();
    mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
    mailimap_fetch_type_new_fetch_att_list_add(type,
                                               mailimap_fetch_att_new_body_peek_section(mailimap_section_new(nullptr)));
    clist* result = nullptr;
    int r = mailimap_uid_fetch(s_->imap, set, type, &result);
    mailimap_fetch_type_free(type);
    mailimap_set_free(set);
    if (r != MAILIMAP_NO_ERROR) return Fail(r, "UID FETCH failed");
    std::vector<std::pair<uint32_t, std::string>> got;
    for (clistiter* it = clist_begin(result); it != nullptr; it = clist_next(it)) {
      auto* msg = static_cast<mailimap_msg_att*>(clist_content(it));
      uint32_t uid = 0;
      std::string body;
      bool have_body = false;
      for (clistiter* a = clist_begin(msg->att_list); a != nullptr; a = clist_next(a)) {
        auto* item = static_cast<mailimap_msg_att_item*>(clist_content(a));
        if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC) continue;
        mailimap_msg_att_static* st = item->att_data.att_static;
        if (st->att_type == MAILIMAP_MSG_ATT_UID) uid = st->att_data.att_uid;
        if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION && st->att_data.att_body_section != nullptr &&
            st->att_data.att_body_section->sec_body_part != nullptr) {
          body.assign(st->att_data.att_body_section->sec_body_part, st->att_data.att_body_section->sec_length);
          have_body = true;
        }
      }
      // Unsolicited FETCH responses (flag changes by another client) carry
      // no body: not ours.
      if (uid != 0 && have_body) got.emplace_back(uid, std::move(body));
    }
    mailimap_fetch_list_free(result);
    std::sort(got.begin(), got.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [uid, raw] : got) each(uid, raw);
  }
  return true;
}

bool ImapClient::IdleStart() {
  int r = mailimap_idle(s_->imap);
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "IDLE failed");
  return true;
}

int ImapClient::fd() const { return s_->imap == nullptr ? -1 : mailimap_idle_get_fd(s_->imap); }

bool ImapClient::pending() const {
  if (s_->imap == nullptr || s_->imap->imap_stream == nullptr) return false;
  return s_->imap->imap_stream->read_buffer_len > 0 || TlsPending(mailstream_get_low(s_->imap->imap_stream));
}

bool ImapClient::IdleDone() {
  int r = mailimap_idle_done(s_->imap);
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "IDLE DONE failed");
  return true;
}

bool ImapClient::Noop() {
  int r = mailimap_noop(s_->imap);
  if (r != MAILIMAP_NO_ERROR) return Fail(r, "NOOP failed");
  return true;
}

void ImapClient::Logout() {
  if (s_->imap != nullptr && s_->imap->imap_stream != nullptr) mailimap_logout(s_->imap);
}

}  // namespace rebound::inbox
