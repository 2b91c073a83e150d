#include "message/reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "message/headers.h"

namespace rebound::message {

namespace {

struct FileCloser {
  void operator()(FILE* f) const {
    if (f != nullptr && f != stdin) std::fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

// Position of the first LF or CR in `s` at or after `pos`; s.size() when
// there is none.
size_t FindLineBreak(std::string_view s, size_t pos) { return FindEither(s, pos, '\n', '\r'); }

// Splits a byte stream into lines ending in LF, CRLF or a lone CR (the
// terminator stays on the line), reading in fixed-size chunks: first the
// bytes of `prefix` (already read from `f`), then the rest of `f`, which
// must not be null.
class LineReader {
 public:
  LineReader(FILE* f, std::string_view prefix) : f_(f), buf_(prefix) {}

  // Sets *line to the next line; false at the end of input.
  bool Next(std::string* line) {
    line->clear();
    while (true) {
      size_t i = FindLineBreak(buf_, pos_);
      if (i < buf_.size()) {
        // A CR at the very end of the buffer may be followed by LF in the
        // next chunk: read on before deciding.
        if (buf_[i] == '\r' && i + 1 == buf_.size() && !eof_) {
          Fill();  // rebases positions; the scan restarts at pos_
          continue;
        }
        size_t end = i + 1;
        if (buf_[i] == '\r' && end < buf_.size() && buf_[end] == '\n') ++end;
        line->append(buf_, pos_, end - pos_);
        pos_ = end;
        return true;
      }
      line->append(buf_, pos_, std::string::npos);
      pos_ = buf_.size();
      if (!Fill()) return !line->empty();
    }
  }

  bool error() const { return error_; }

 private:
  // Appends the next chunk (keeping unread bytes); false at the end.
  // Positions before pos_ are dropped only when more input is read.
  bool Fill() {
    if (eof_) return false;
    buf_.erase(0, pos_);
    pos_ = 0;
    char chunk[1 << 16];
    size_t n = std::fread(chunk, 1, sizeof(chunk), f_);
    if (n < sizeof(chunk)) {
      eof_ = true;
      if (std::ferror(f_)) error_ = true;
    }
    buf_.append(chunk, n);
    return n > 0;
  }

  FILE* f_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool error_ = false;
};

bool IsBlankLine(std::string_view line) { return line == "\n" || line == "\r\n" || line == "\r" || line.empty(); }

// "From sender Thu Dec 22 17:54:04 2015": the time of day tells a
// separator from a body line that happens to start with "From ".
bool IsMboxSeparator(std::string_view line) {
  if (!line.starts_with("From ")) return false;
  for (size_t i = 5; i + 4 < line.size(); ++i) {
    auto digit = [&](size_t k) { return line[k] >= '0' && line[k] <= '9'; };
    if (line[i + 2] == ':' && digit(i) && digit(i + 1) && digit(i + 3) && digit(i + 4)) return true;
  }
  return false;
}

// The full ctime form, "From sender Thu Jul  2 12:05:05 2020", counts as a
// separator even without the blank line before it that mbox writers should
// leave.
bool IsStrictMboxSeparator(std::string_view line) {
  if (!IsMboxSeparator(line)) return false;
  static constexpr std::string_view kDays[] = {"Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "};
  size_t sender_end = line.find(' ', 5);
  if (sender_end == std::string_view::npos || sender_end == 5) return false;
  std::string_view rest = line.substr(sender_end);
  while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  for (std::string_view d : kDays) {
    if (rest.starts_with(d)) return true;
  }
  return false;
}

// The mbox rule, line by line: a separator line after a blank line (or at
// the start) begins a new message; the separator is not part of it.
class MboxRule {
 public:
  // True when `line` (with its line ending) is a separator.
  bool Separates(std::string_view line) {
    if ((previous_blank_ && IsMboxSeparator(line)) || IsStrictMboxSeparator(line)) {
      previous_blank_ = false;
      return true;
    }
    previous_blank_ = IsBlankLine(line);
    return false;
  }

 private:
  bool previous_blank_ = true;
};

std::string MboxMessageName(const std::string& name, int index) { return name + "#" + std::to_string(index); }

// Splits an mbox held whole in memory: each message is a view of `text`,
// cut to max_message_bytes + 1 like any other.
void SplitMbox(std::string_view text, const std::string& name, const ReadOptions& options,
               const MessageSink& on_message) {
  MboxRule rule;
  bool in_message = false;
  int index = 0;
  size_t start = 0;
  auto flush = [&](size_t end) {
    if (!in_message) return;
    on_message(MboxMessageName(name, ++index),
               text.substr(start, std::min(end - start, options.max_message_bytes + 1)));
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = FindLineBreak(text, pos);
    if (end < text.size()) end += text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1;
    if (rule.Separates(text.substr(pos, end - pos))) {
      flush(pos);
      start = end;
    }
    in_message = true;  // content before any separator counts too
    pos = end;
  }
  flush(text.size());
}

// Streams an mbox too large to hold whole, line by line.
bool ReadMbox(FILE* f, std::string_view prefix, const std::string& name, const ReadOptions& options,
              const MessageSink& on_message) {
  LineReader lines(f, prefix);
  MboxRule rule;
  std::string line;
  std::string message;
  bool in_message = false;
  int index = 0;
  auto flush = [&] {
    if (!in_message) return;
    on_message(MboxMessageName(name, ++index), message);
    message.clear();
  };
  while (lines.Next(&line)) {
    if (rule.Separates(line)) {
      flush();
      in_message = true;
      continue;
    }
    in_message = true;  // content before any separator counts too
    if (message.size() <= options.max_message_bytes) {
      size_t room = options.max_message_bytes + 1 - message.size();
      message.append(line, 0, std::min(room, line.size()));
    }
  }
  flush();
  return !lines.error();
}

// Reads one file: an mbox when told or when its first line is a separator,
// else one message.
bool ReadFile(FILE* f, const std::string& name, const ReadOptions& options, const MessageSink& on_message,
              std::string* error) {
  thread_local std::string buf;
  buf.clear();
  // Peek at the first chunk to tell an mbox by its first line.
  char head[4096];
  size_t n = std::fread(head, 1, sizeof(head), f);
  if (n < sizeof(head) && std::ferror(f)) {
    *error = std::strerror(errno);
    return false;
  }
  std::string_view first(head, n);
  if (options.force_mbox || first.starts_with("From ")) {
    if (!ReadMbox(f, first, name, options, on_message)) {
      *error = "read error";
      return false;
    }
    return true;
  }
  const size_t cap = options.max_message_bytes + 1;
  buf.assign(head, std::min(n, cap));
  while (buf.size() < cap && !std::feof(f)) {
    size_t old = buf.size();
    size_t want = std::min<size_t>(cap - old, 1 << 16);
    buf.resize(old + want);
    size_t got = std::fread(buf.data() + old, 1, want, f);
    buf.resize(old + got);
    if (got < want) {
      if (std::ferror(f)) {
        *error = std::strerror(errno);
        return false;
      }
      break;
    }
  }
  on_message(name, buf);
  if (buf.capacity() > (4u << 20)) std::string().swap(buf);  // do not keep a huge buffer
  return true;
}

// A reusable byte buffer whose growth leaves new bytes uninitialised:
// std::string::resize would zero every byte a bigger file adds.
class ReadBuffer {
 public:
  char* data() { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  // Keeps the first min(size(), n) bytes.
  void Resize(size_t n) {
    if (n > capacity_) {
      auto fresh = std::make_unique_for_overwrite<char[]>(n);
      if (size_ > 0) std::memcpy(fresh.get(), data_.get(), size_);
      data_ = std::move(fresh);
      capacity_ = n;
    }
    size_ = n;
  }
  void Release() {
    data_.reset();
    size_ = capacity_ = 0;
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Reads the file open on `fd` (and closes it) into a reused buffer. For
// directories of small messages the per-file cost is mostly system calls:
// with `regular` (the caller knows fd is a regular file, where a read that
// returns less than it asked for has reached the end) they are open, one
// read and close; no fstat for the size and no read to see the end.
bool ReadOpenFile(int fd, bool regular, const std::string& name, const ReadOptions& options,
                  const MessageSink& on_message, std::string* error) {
  thread_local ReadBuffer buf;
  const size_t cap = options.max_message_bytes + 1;
  buf.Resize(std::min<size_t>(cap, 65536));
  size_t have = 0;
  bool at_end = false;
  while (have < buf.size()) {
    const size_t want = buf.size() - have;
    ssize_t n = ::read(fd, buf.data() + have, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) {
      at_end = true;
      break;
    }
    have += static_cast<size_t>(n);
    if (regular && static_cast<size_t>(n) < want) {
      at_end = true;
      break;
    }
    // An mbox is streamed from here on rather than buffered whole.
    if (options.force_mbox || std::string_view(buf.data(), have).starts_with("From ")) break;
    if (have == buf.size() && have < cap) buf.Resize(std::min(cap, buf.size() * 2));
  }
  std::string_view head(buf.data(), have);
  if (options.force_mbox || head.starts_with("From ")) {
    if (at_end) {
      // The whole file is in hand: split it without a stream.
      ::close(fd);
      SplitMbox(head, name, options, on_message);
      return true;
    }
    FILE* f = ::fdopen(fd, "rb");
    if (f == nullptr) {
      *error = std::strerror(errno);
      ::close(fd);
      return false;
    }
    File owned(f);
    std::string prefix(head);
    if (!ReadMbox(f, prefix, name, options, on_message)) {
      *error = "read error";
      return false;
    }
    return true;
  }
  ::close(fd);
  on_message(name, head.substr(0, std::min(have, cap)));
  if (buf.capacity() > (4u << 20)) buf.Release();  // do not keep a huge buffer
  return true;
}

// Reads every entry of the directory open on `dirfd` (and closes it), in
// byte order, recursively. Entry types come from the listing itself and
// files are opened relative to the directory: no path walk per file.
bool ReadDirectory(int dirfd, const std::string& name, const ReadOptions& options, const MessageSink& on_message,
                   const ErrorSink& on_error) {
  DIR* dir = ::fdopendir(dirfd);
  if (dir == nullptr) {
    on_error(name, std::strerror(errno));
    ::close(dirfd);
    return false;
  }
  std::vector<std::pair<std::string, unsigned char>> entries;
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view n(e->d_name);
    if (n == "." || n == "..") continue;
    entries.emplace_back(std::string(n), e->d_type);
  }
  std::sort(entries.begin(), entries.end());
  bool ok = true;
  std::string prefix = name;
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  std::string child;  // reused: one path per entry
  for (const auto& [entry, d_type] : entries) {
    child.assign(prefix).append(entry);
    unsigned char type = d_type;
    if (type == DT_UNKNOWN || type == DT_LNK) {
      struct stat st;
      if (::fstatat(::dirfd(dir), entry.c_str(), &st, 0) != 0) {
        on_error(child, std::strerror(errno));
        ok = false;
        continue;
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type != DT_DIR && type != DT_REG) continue;  // sockets, fifos, devices
    int fd = ::openat(::dirfd(dir), entry.c_str(), O_RDONLY | O_CLOEXEC | (type == DT_DIR ? O_DIRECTORY : 0));
    if (fd < 0) {
      on_error(child, std::strerror(errno));
      ok = false;
      continue;
    }
    if (type == DT_DIR) {
      ok = ReadDirectory(fd, child, options, on_message, on_error) && ok;
      continue;
    }
    std::string error;
    if (!ReadOpenFile(fd, /*regular=*/true, child, options, on_message, &error)) {
      on_error(child, error);
      ok = false;
    }
  }
  ::closedir(dir);
  return ok;
}

bool ReadPath(const std::string& path, const ReadOptions& options, const MessageSink& on_message,
              const ErrorSink& on_error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    on_error(path, std::strerror(errno));
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    on_error(path, std::strerror(errno));
    ::close(fd);
    return false;
  }
  if (S_ISDIR(st.st_mode)) return ReadDirectory(fd, path, options, on_message, on_error);
  std::string error;
  if (!ReadOpenFile(fd, S_ISREG(st.st_mode), path, options, on_message, &error)) {
    on_error(path, error);
    return false;
  }
  return true;
}

}  // namespace

bool ReadMessages(const std::string& path, const ReadOptions& options, const MessageSink& on_message,
                  const ErrorSink& on_error) {
  if (path == "-") {
    std::string error;
    if (!ReadFile(stdin, "-", options, on_message, &error)) {
      on_error("-", error);
      return false;
    }
    return true;
  }
  return ReadPath(path, options, on_message, on_error);
}

}  // namespace rebound::message
