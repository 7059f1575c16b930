#include "storage/bulk_load.h"

#include <fcntl.h>
#include <rocksdb/sst_file_writer.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>

#include "storage/bulk_store.h"
#include "storage/write_txn.h"

namespace trendgraph::storage {
namespace internal {

namespace {

constexpr size_t kTagAt = 4;  // the tag byte of a graph key

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// Keeps `v` sorted and free of duplicates; false if `x` was there. New
// entries mostly land at the end (ascending ids), which costs no search.
template <class T>
bool InsertSorted(std::vector<T>* v, const T& x) {
  if (v->empty() || v->back() < x) {
    v->push_back(x);
    return true;
  }
  auto it = std::lower_bound(v->begin(), v->end(), x);
  if (it != v->end() && *it == x) return false;
  v->insert(it, x);
  return true;
}

template <class T>
bool EraseSorted(std::vector<T>* v, const T& x) {
  auto it = std::lower_bound(v->begin(), v->end(), x);
  if (it == v->end() || !(*it == x)) return false;
  v->erase(it);
  return true;
}

// A forward iterator over entries collected up front (a bulk load's scans
// are short: one node's adjacency, one index value).
class EntriesIterator final : public rocksdb::Iterator {
 public:
  using Entries = std::vector<std::pair<std::string, std::string>>;
  explicit EntriesIterator(std::function<void(std::string_view from, Entries*)> collect)
      : collect_(std::move(collect)) {}
  bool Valid() const override { return pos_ < entries_.size(); }
  void SeekToFirst() override { Seek(rocksdb::Slice()); }
  void Seek(const rocksdb::Slice& target) override {
    entries_.clear();
    collect_(View(target), &entries_);
    pos_ = 0;
  }
  void Next() override { ++pos_; }
  rocksdb::Slice key() const override { return entries_[pos_].first; }
  rocksdb::Slice value() const override { return entries_[pos_].second; }
  rocksdb::Status status() const override { return rocksdb::Status::OK(); }
  void SeekToLast() override { Unsupported(); }
  void SeekForPrev(const rocksdb::Slice&) override { Unsupported(); }
  void Prev() override { Unsupported(); }

 private:
  void Unsupported() {
    assert(false && "bulk load iterators are forward-only");
    pos_ = entries_.size();
  }
  std::function<void(std::string_view, Entries*)> collect_;
  Entries entries_;
  size_t pos_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------
// SpillFile

Status SpillFile::Open(const std::string& dir, size_t buffer_bytes, const char* what) {
  Close();
  what_ = what;
  fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    // No O_TMPFILE here: a name that lives for two system calls.
    static std::atomic<uint64_t> serial{0};
    std::string name = dir + "/bulk-load-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".spill";
    fd_ = ::open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::unlink(name.c_str());
  }
  if (fd_ < 0)
    return Status::IOError(std::string("bulk load: create a temporary file of ") + what_ + " in " + dir + ": " +
                           std::strerror(errno));
  buffer_bytes_ = buffer_bytes;
  buf_.reserve(buffer_bytes_);
  flushed_ = 0;
  status_ = Status::OK();
  return Status::OK();
}

void SpillFile::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  flushed_ += buf_.size();  // size() still counts what was appended
  std::string().swap(buf_);
}

void SpillFile::Flush() {
  size_t done = 0;
  while (done < buf_.size() && status_.ok()) {
    ssize_t n = ::pwrite(fd_, buf_.data() + done, buf_.size() - done, static_cast<off_t>(flushed_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      status_ = Status::IOError(std::string("bulk load: write the temporary file of ") + what_ + ": " +
                                (n < 0 ? std::strerror(errno) : "no progress"));
      break;
    }
    done += static_cast<size_t>(n);
  }
  // Positions stay as handed out even after a failure: the load fails as a
  // whole (status()), and reads of lost bytes fail rather than mislead.
  flushed_ += buf_.size();
  buf_.clear();
}

void SpillFile::Seal() {
  if (fd_ >= 0) Flush();
  std::string().swap(buf_);
}

uint64_t SpillFile::Append(std::string_view s) {
  if (buf_.size() + s.size() > buffer_bytes_) Flush();
  uint64_t pos = size();
  if (s.size() > buffer_bytes_) {
    // Larger than the buffer: straight to the file.
    buf_.assign(s);
    Flush();
    if (buf_.capacity() > buffer_bytes_) std::string().swap(buf_);
    return pos;
  }
  buf_.append(s);
  return pos;
}

bool SpillFile::ReadFile(uint64_t pos, size_t n, char* out) const {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(pos + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (status_.ok())
        status_ = Status::IOError(std::string("bulk load: read the temporary file of ") + what_ + ": " +
                                  (r < 0 ? std::strerror(errno) : "unexpected end of file"));
      return false;
    }
    done += static_cast<size_t>(r);
  }
  return true;
}

bool SpillFile::Read(uint64_t pos, uint32_t size, std::string* scratch, std::string_view* out) const {
  if (pos >= flushed_) {
    *out = std::string_view(buf_).substr(pos - flushed_, size);
    return true;
  }
  scratch->resize(size);
  if (!ReadFile(pos, size, scratch->data())) return false;
  *out = *scratch;
  return true;
}

// Reads records back in id order at Finish: they were appended mostly in
// that order, so most come from one window read ahead of them; a record
// far from the window (a later version of a record rewritten after others
// were appended) gets a read of its own and leaves the window where it is.
class SpillReader {
 public:
  SpillReader(const SpillFile& file, size_t window) : file_(file), window_bytes_(std::max<size_t>(window, 4096)) {}
  bool Read(uint64_t pos, uint32_t size, std::string_view* out) {
    if (pos >= file_.flushed()) {
      *out = file_.buffered().substr(pos - file_.flushed(), size);
      return true;
    }
    const uint64_t win_end = win_pos_ + window_.size();
    if (pos >= win_pos_ && pos + size <= win_end) {
      *out = std::string_view(window_).substr(pos - win_pos_, size);
      return true;
    }
    if (window_.empty() || (pos >= win_end && pos < win_end + window_bytes_)) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(std::max<uint64_t>(window_bytes_, size), file_.flushed() - pos));
      window_.resize(n);
      win_pos_ = pos;
      if (!file_.ReadFile(pos, n, window_.data())) return false;
      *out = std::string_view(window_).substr(0, size);
      return true;
    }
    return file_.Read(pos, size, &scratch_, out);
  }

 private:
  const SpillFile& file_;
  const size_t window_bytes_;
  std::string window_;
  uint64_t win_pos_ = 0;
  std::string scratch_;
};

// Reads the node blocks of an adjacency run in [pos, end) through a window
// of `window` bytes read ahead (a block larger than the window is read
// straight into its lists).
template <class Adj>
class RunCursor {
 public:
  RunCursor(const SpillFile& file, uint64_t pos, uint64_t end, size_t window)
      : file_(&file), pos_(pos), end_(end), window_bytes_(std::max<size_t>(window, 64)) {}
  // The next block into node() and lists() (the directions in the bit mask
  // `want`; the others are skipped unread and left empty); false at the end
  // or on a failed read (failed() then, and the file's status() says why).
  bool Next(int want = 3) { return NextHeader() && ReadLists(want); }
  // Next in two steps: the block's node, then its lists.
  bool NextHeader() {
    valid_ = false;
    if (pos_ >= end_) return false;
    char header[16];
    if (!Fetch(header, sizeof header)) return false;
    std::memcpy(&node_, header, 8);
    std::memcpy(count_, header + 8, 8);
    return true;
  }
  bool ReadLists(int want) {
    for (int d = 0; d < 2; ++d) {
      const size_t bytes = count_[d] * sizeof(Adj);
      if (!(want & (1 << d))) {
        lists_[d].clear();
        if (pos_ + bytes > end_) return Fail();
        pos_ += bytes;
        continue;
      }
      lists_[d].resize(count_[d]);
      if (!Fetch(reinterpret_cast<char*>(lists_[d].data()), bytes)) return false;
    }
    valid_ = true;
    return true;
  }
  bool valid() const { return valid_; }
  bool failed() const { return failed_; }
  uint64_t node() const { return node_; }
  std::vector<Adj> (&lists())[2] { return lists_; }

 private:
  bool Fetch(char* out, size_t n) {
    if (n == 0) return true;
    if (pos_ + n > end_) return Fail();
    if (pos_ < win_pos_ || pos_ + n > win_pos_ + window_.size()) {
      if (n >= window_bytes_) {
        if (!file_->ReadFile(pos_, n, out)) return Fail();
        pos_ += n;
        return true;
      }
      window_.resize(static_cast<size_t>(std::min<uint64_t>(window_bytes_, end_ - pos_)));
      win_pos_ = pos_;
      if (!file_->ReadFile(pos_, window_.size(), window_.data())) return Fail();
    }
    std::memcpy(out, window_.data() + (pos_ - win_pos_), n);
    pos_ += n;
    return true;
  }
  bool Fail() {
    failed_ = true;
    pos_ = end_;
    return false;
  }

  const SpillFile* file_;
  uint64_t pos_, end_;
  size_t window_bytes_;
  std::string window_;
  uint64_t win_pos_ = 0;
  uint64_t node_ = 0;
  uint32_t count_[2] = {0, 0};
  std::vector<Adj> lists_[2];
  bool valid_ = false, failed_ = false;
};

// ---------------------------------------------------------------------------
// BulkStore

BulkStore::BulkStore(std::shared_ptr<GraphImpl> graph, std::string spill_dir, uint64_t memory_budget)
    : graph_(std::move(graph)),
      g_(graph_->id()),
      node_base_(graph_->counters()->next_node),
      rel_base_(graph_->counters()->next_rel),
      counters_(*graph_->counters()),
      indexes_(graph_->Indexes()),
      spill_dir_(std::move(spill_dir)),
      memory_budget_(memory_budget),
      read_cache_(static_cast<size_t>(std::min<uint64_t>(memory_budget / 8, 128u << 20))) {}

Status BulkStore::SpillStatus() const {
  if (!spill_open_.ok()) return spill_open_;
  if (!node_file_.status().ok()) return node_file_.status();
  if (!rel_file_.status().ok()) return rel_file_.status();
  if (!adj_status_.ok()) return adj_status_;
  for (const auto& run : runs_)
    if (!run->file.status().ok()) return run->file.status();
  return Status::OK();
}

// ---------------------------------------------------------------------------
// Adjacency runs

void BulkStore::AppendBlock(AdjRun* run, NodeId n, const std::vector<Adj>* lists) {
  if (run->nodes++ % kRunIndexEvery == 0) run->index.push_back({n, run->file.size()});
  char header[16];
  const uint32_t count[2] = {static_cast<uint32_t>(lists[0].size()), static_cast<uint32_t>(lists[1].size())};
  std::memcpy(header, &n, 8);
  std::memcpy(header + 8, count, 8);
  run->file.Append(std::string_view(header, sizeof header));
  for (int d = 0; d < 2; ++d)
    run->file.Append(std::string_view(reinterpret_cast<const char*>(lists[d].data()), lists[d].size() * sizeof(Adj)));
}

void BulkStore::SpillAdjacency() {
  auto run = std::make_unique<AdjRun>();
  adj_status_ = run->file.Open(spill_dir_, SpillBuffer(), "adjacency");
  if (!adj_status_.ok()) return;  // stays in memory; the load fails at its next transaction
  const auto r = static_cast<uint8_t>(runs_.size() + 1);
  for (size_t i = 0; i < adj_slot_.size(); ++i) {
    if (adj_slot_[i] == kNoSlot) continue;
    AdjLists& lists = adj_mem_[adj_slot_[i]];
    if (lists.dir[0].empty() && lists.dir[1].empty()) continue;
    AppendBlock(run.get(), node_base_ + i, lists.dir);
    RunSpan& span = adj_span_[i];
    if (span.first == 0) span.first = r;
    span.last = r;
  }
  run->file.Seal();
  adj_spilled_bytes_ += run->file.size();
  adj_run_bytes_ += run->index.capacity() * sizeof(AdjRun::IndexEntry) + sizeof(AdjRun);
  ++adj_runs_written_;
  runs_.push_back(std::move(run));
  // Freed for real: the vectors' capacity goes back, not only their size.
  std::vector<AdjLists>().swap(adj_mem_);
  std::fill(adj_slot_.begin(), adj_slot_.end(), kNoSlot);
  adj_bytes_ = 0;
  if (runs_.size() >= MaxRuns()) CompactRuns();
}

void BulkStore::CompactRuns() {
  auto run = std::make_unique<AdjRun>();
  adj_status_ = run->file.Open(spill_dir_, SpillBuffer(), "adjacency");
  if (!adj_status_.ok()) return;
  // Spans are read for a node before fn rewrites them, so each node is
  // re-pointed at the new run (or at none: all its entries erased) in turn.
  Status s = MergeAdjacency(false, MergeWindow(), [&](NodeId n, std::vector<Adj> (&lists)[2]) {
    RunSpan& span = adj_span_[n - node_base_];
    if (lists[0].empty() && lists[1].empty()) {
      span = RunSpan();
      return Status::OK();
    }
    AppendBlock(run.get(), n, lists);
    span.first = span.last = 1;
    return Status::OK();
  });
  run->file.Seal();
  if (!s.ok()) {
    adj_status_ = s;  // spans are half rewritten: the load is lost either way
    return;
  }
  adj_spilled_bytes_ += run->file.size();
  ++adj_runs_written_;
  runs_.clear();  // their files go back to the file system
  runs_.push_back(std::move(run));
  adj_run_bytes_ = runs_[0]->index.capacity() * sizeof(AdjRun::IndexEntry) + sizeof(AdjRun);
  erased_.clear();  // every erased entry was in one of the merged runs
}

bool BulkStore::ReadRunNode(const AdjRun& run, NodeId n, int want, std::vector<Adj> (&lists)[2]) const {
  auto it = std::upper_bound(run.index.begin(), run.index.end(), n,
                             [](NodeId x, const AdjRun::IndexEntry& e) { return x < e.node; });
  if (it == run.index.begin()) return true;
  const uint64_t end = it == run.index.end() ? run.file.size() : it->pos;
  --it;
  // A block of up to kRunIndexEvery nodes: most fit one small read.
  RunCursor<Adj> cursor(run.file, it->pos, end, 4096);
  // Blocks before n are skipped unread; a hub's in-entries (every document
  // naming it) are not read for a scan of its out-entries.
  while (cursor.NextHeader()) {
    if (cursor.node() < n) {
      if (!cursor.ReadLists(0)) break;
      continue;
    }
    if (cursor.node() != n || !cursor.ReadLists(want)) break;
    for (int d = 0; d < 2; ++d) lists[d].insert(lists[d].end(), cursor.lists()[d].begin(), cursor.lists()[d].end());
    break;
  }
  return !cursor.failed();
}

void BulkStore::CompleteNodeLists(NodeId n, bool in_memory, int want, int sources,
                                  std::vector<Adj> (&lists)[2]) const {
  if (in_memory) {
    const AdjLists& mem = adj_mem_[adj_slot_[n - node_base_]];
    for (int d = 0; d < 2; ++d)
      if (want & (1 << d)) lists[d].insert(lists[d].end(), mem.dir[d].begin(), mem.dir[d].end());
    ++sources;
  }
  if (sources > 1)
    for (auto& list : lists) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }
  if (erased_.empty()) return;
  for (auto it = erased_.lower_bound(ErasedAdj{n, 0, Adj{0, 0, 0}}); it != erased_.end() && it->node == n; ++it)
    EraseSorted(&lists[it->dir], it->adj);
}

bool BulkStore::NodeAdjacency(NodeId n, int want, std::vector<Adj> (&lists)[2]) const {
  const size_t i = n - node_base_;
  const RunSpan span = adj_span_[i];
  int sources = 0;
  for (int r = span.first; r != 0 && r <= span.last; ++r) {
    size_t before = lists[0].size() + lists[1].size();
    if (!ReadRunNode(*runs_[r - 1], n, want, lists)) return false;
    sources += lists[0].size() + lists[1].size() != before;
  }
  CompleteNodeLists(n, adj_slot_[i] != kNoSlot, want, sources, lists);
  return true;
}

// Only this run's status: the records' thread of Finish may be failing too.
Status BulkStore::ReadFailure(const AdjRun& run) {
  if (!run.file.status().ok()) return run.file.status();
  return Status::Corruption("bulk load: a temporary file of adjacency ends inside a node's entries");
}

Status BulkStore::MergeAdjacency(bool with_memory, size_t window, const NodeFn& fn) const {
  std::vector<RunCursor<Adj>> cursors;
  cursors.reserve(runs_.size());
  for (const auto& run : runs_) {
    cursors.emplace_back(run->file, 0, run->file.size(), std::max<size_t>(window, 4096));
    if (!cursors.back().Next() && cursors.back().failed()) return ReadFailure(*run);
  }
  std::vector<Adj> lists[2];
  // Each run lists its nodes in order and a node's span names every run
  // holding it, so a run's cursor always waits at the next node of its own
  // that is due: no heap needed.
  for (size_t i = 0; i < adj_slot_.size(); ++i) {
    const NodeId n = node_base_ + i;
    const RunSpan span = adj_span_[i];
    const bool in_memory = with_memory && adj_slot_[i] != kNoSlot;
    if (span.first == 0 && !in_memory) continue;
    lists[0].clear();
    lists[1].clear();
    int sources = 0;
    for (int r = span.first; r != 0 && r <= span.last; ++r) {
      RunCursor<Adj>& c = cursors[r - 1];
      if (!c.valid() || c.node() != n) continue;
      for (int d = 0; d < 2; ++d) {
        auto& from = c.lists()[d];
        if (lists[d].empty())
          lists[d].swap(from);
        else
          lists[d].insert(lists[d].end(), from.begin(), from.end());
      }
      ++sources;
      if (!c.Next() && c.failed()) return ReadFailure(*runs_[r - 1]);
    }
    CompleteNodeLists(n, in_memory, /*want=*/3, sources, lists);
    TG_RETURN_IF_ERROR(fn(n, lists));
  }
  for (const auto& c : cursors)
    if (c.valid())
      return Status::Corruption("bulk load: adjacency run holds node " + std::to_string(c.node()) +
                                " out of order");
  return Status::OK();
}

ByteArena::Ref BulkStore::AddRecord(bool node, std::string_view value) {
  if (!spilled_ && spill_open_.ok() && MemoryBytes() + value.size() > memory_budget_) Spill();
  if (!spilled_) return records_.Add(value);
  SpillFile& f = node ? node_file_ : rel_file_;
  return FileRef(f.Append(value), value.size());
}

void BulkStore::Spill() {
  spill_open_ = node_file_.Open(spill_dir_, SpillBuffer());
  if (spill_open_.ok()) spill_open_ = rel_file_.Open(spill_dir_, SpillBuffer());
  if (!spill_open_.ok()) {
    // The records stay in memory; the load fails at its next transaction.
    CloseSpill();
    return;
  }
  for (auto* v : {&nodes_, &rels_}) {
    SpillFile& f = v == &nodes_ ? node_file_ : rel_file_;
    for (ByteArena::Ref& r : *v)
      if (r.present()) r = FileRef(f.Append(records_.Get(r)), r.size);
  }
  records_ = ByteArena();
  spilled_ = true;
}

bool BulkStore::RecordBytes(bool node, ByteArena::Ref r, std::string* scratch, std::string_view* out) const {
  if (!spilled_) {
    *out = records_.Get(r);
    return true;
  }
  const SpillFile& f = node ? node_file_ : rel_file_;
  const uint64_t pos = FilePos(r);
  if (pos >= f.flushed()) return f.Read(pos, r.size, scratch, out);  // still in the write buffer
  char key[9];
  key[0] = node ? 'N' : 'R';
  for (int i = 0; i < 8; ++i) key[1 + i] = static_cast<char>(pos >> (56 - 8 * i));
  // Copied out: the cache's view lasts only until its next Put, and a
  // transaction may hold one record while it reads another.
  if (std::optional<std::string_view> hit = read_cache_.Find(std::string_view(key, sizeof key))) {
    scratch->assign(*hit);
    *out = *scratch;
    return true;
  }
  ++spill_reads_;
  if (!f.Read(pos, r.size, scratch, out)) return false;
  read_cache_.Put(std::string_view(key, sizeof key), *out);
  return true;
}

ByteArena::Ref* BulkStore::NodeSlot(NodeId id) {
  if (id < node_base_) return nullptr;
  size_t i = id - node_base_;
  if (i >= nodes_.size()) {
    nodes_.resize(i + 1);
    adj_slot_.resize(i + 1, kNoSlot);
    adj_span_.resize(i + 1);
  }
  return &nodes_[i];
}

ByteArena::Ref* BulkStore::RelSlot(RelId id) {
  if (id < rel_base_) return nullptr;
  size_t i = id - rel_base_;
  if (i >= rels_.size()) rels_.resize(i + 1);
  return &rels_[i];
}

rocksdb::Status BulkStore::Get(std::string_view key, rocksdb::PinnableSlice* value) const {
  if (key.size() <= kTagAt || keys::GetU32BE(key.data()) != g_) return rocksdb::Status::NotFound();
  auto found = [&](std::string_view v) {
    value->PinSelf(rocksdb::Slice(v.data(), v.size()));
    return rocksdb::Status::OK();
  };
  switch (static_cast<keys::Tag>(key[kTagAt])) {
    case keys::Tag::kNode:
    case keys::Tag::kRel: {
      if (key.size() != 13) return rocksdb::Status::NotFound();
      bool node = key[kTagAt] == static_cast<char>(keys::Tag::kNode);
      uint64_t id = keys::GetU64BE(key.data() + 5), base = node ? node_base_ : rel_base_;
      const auto& v = node ? nodes_ : rels_;
      if (id < base || id - base >= v.size() || !v[id - base].present()) return rocksdb::Status::NotFound();
      // Pinned, not copied, from the arena or the spill file's buffer: the
      // bytes stay put until the store is written to again (the commit),
      // and readers decode them before that. From the file, read into the
      // slice's own buffer.
      std::string_view rec;
      if (!RecordBytes(node, v[id - base], value->GetSelf(), &rec))
        return rocksdb::Status::IOError(SpillStatus().ToString());
      if (rec.data() == value->GetSelf()->data())
        value->PinSelf();
      else
        value->PinSlice(rocksdb::Slice(rec.data(), rec.size()), nullptr);
      return rocksdb::Status::OK();
    }
    case keys::Tag::kAdj: {
      AdjEntry e;
      if (!keys::ParseAdjKey(key, &e)) return rocksdb::Status::NotFound();
      NodeId node = keys::GetU64BE(key.data() + 5);
      if (node < node_base_ || node - node_base_ >= adj_slot_.size()) return rocksdb::Status::NotFound();
      const size_t i = node - node_base_;
      const int d = static_cast<int>(e.dir);
      const Adj a{e.other, e.rel, e.type};
      if (adj_slot_[i] != kNoSlot) {
        const auto& list = adj_mem_[adj_slot_[i]].dir[d];
        if (std::binary_search(list.begin(), list.end(), a)) return found("");
      }
      const RunSpan span = adj_span_[i];
      if (span.first == 0 || Erased(node, d, a)) return rocksdb::Status::NotFound();
      for (int r = span.first; r <= span.last; ++r) {
        std::vector<Adj> lists[2];
        if (!ReadRunNode(*runs_[r - 1], node, 1 << d, lists))
          return rocksdb::Status::IOError(SpillStatus().ToString());
        if (std::binary_search(lists[d].begin(), lists[d].end(), a)) return found("");
      }
      return rocksdb::Status::NotFound();
    }
    case keys::Tag::kLabel: {
      if (key.size() != 17) return rocksdb::Status::NotFound();
      LabelId label = keys::GetU32BE(key.data() + 5);
      if (label >= labels_.size()) return rocksdb::Status::NotFound();
      const auto& ids = labels_[label];
      return std::binary_search(ids.begin(), ids.end(), keys::TrailingId(key)) ? found("")
                                                                                : rocksdb::Status::NotFound();
    }
    case keys::Tag::kUnique: {
      const uint64_t* id = unique_.Find(key);
      if (id == nullptr) return rocksdb::Status::NotFound();
      return found(keys::U64Value(*id));
    }
    case keys::Tag::kPropIndex:
      return prop_index_.count(key) ? found("") : rocksdb::Status::NotFound();
    default: {
      auto it = other_.find(key);
      if (it == other_.end() || !it->second) return rocksdb::Status::NotFound();
      return found(*it->second);
    }
  }
}

void BulkStore::Collect(std::string_view from, std::string_view to, Entries* out) const {
  const size_t start = out->size();
  auto in_range = [&](std::string_view k) { return k >= from && (to.empty() || k < to); };
  std::string gp = keys::GraphPrefix(g_);
  // Families whose tag range [gp tag, gp tag+1) meets [from, to).
  auto family_meets = [&](keys::Tag tag) {
    std::string lo = gp + static_cast<char>(tag);
    std::string hi = keys::PrefixSuccessor(lo);
    return (to.empty() || std::string_view(lo) < to) && from < std::string_view(hi);
  };
  auto from_id = [&](keys::Tag tag, size_t at) -> uint64_t {
    // The first id whose key can be >= from (0 if from lies before the family).
    std::string lo = gp + static_cast<char>(tag);
    if (from.substr(0, lo.size()) != lo || from.size() <= at) return 0;
    std::string padded(from.substr(at, 8));
    padded.resize(8, '\0');
    return keys::GetU64BE(padded.data());
  };
  if (family_meets(keys::Tag::kNode) || family_meets(keys::Tag::kRel)) {
    for (keys::Tag tag : {keys::Tag::kNode, keys::Tag::kRel}) {
      if (!family_meets(tag)) continue;
      bool node = tag == keys::Tag::kNode;
      const auto& v = node ? nodes_ : rels_;
      uint64_t base = node ? node_base_ : rel_base_;
      uint64_t first = std::max(base, from_id(tag, 5));
      std::string scratch;
      for (uint64_t id = first; id - base < v.size(); ++id) {
        if (!v[id - base].present()) continue;
        std::string k = node ? keys::NodeKey(g_, id) : keys::RelKey(g_, id);
        if (!to.empty() && k >= to) break;
        std::string_view rec;
        // A failed read (SpillStatus) fails the load's next transaction and Finish.
        if (in_range(k) && RecordBytes(node, v[id - base], &scratch, &rec)) out->emplace_back(std::move(k), rec);
      }
    }
  }
  if (family_meets(keys::Tag::kAdj)) {
    uint64_t first = std::max(node_base_, from_id(keys::Tag::kAdj, 5));
    std::vector<Adj> merged[2];
    for (uint64_t node = first; node - node_base_ < adj_slot_.size(); ++node) {
      if (!to.empty() && keys::AdjPrefix(g_, node, Direction::kOut) >= to) break;
      const size_t i = node - node_base_;
      if (adj_span_[i].first == 0 && adj_slot_[i] == kNoSlot) continue;
      // The directions the range meets: a scan of one (most are) leaves the
      // other unread, a hub's in-entries above all.
      int want = 0;
      for (int d = 0; d < 2; ++d) {
        std::string lo = keys::AdjPrefix(g_, node, static_cast<Direction>(d));
        if ((to.empty() || std::string_view(lo) < to) && from < std::string_view(keys::PrefixSuccessor(lo)))
          want |= 1 << d;
      }
      const std::vector<Adj>* lists = nullptr;
      if (adj_span_[i].first != 0) {
        merged[0].clear();
        merged[1].clear();
        // A failed read (SpillStatus) fails the load's next transaction and Finish.
        if (!NodeAdjacency(node, want, merged)) continue;
        lists = merged;
      } else {
        lists = adj_mem_[adj_slot_[i]].dir;
      }
      for (int d = 0; d < 2; ++d) {
        if (!(want & (1 << d))) continue;
        for (const Adj& a : lists[d]) {
          std::string k = keys::AdjKey(g_, node, static_cast<Direction>(d), a.type, a.other, a.rel);
          if (in_range(k)) out->emplace_back(std::move(k), std::string());
        }
      }
    }
  }
  if (family_meets(keys::Tag::kLabel)) {
    std::string lo = gp + static_cast<char>(keys::Tag::kLabel);
    LabelId first = 0;
    if (from.substr(0, lo.size()) == lo && from.size() >= 9) first = keys::GetU32BE(from.data() + 5);
    for (LabelId l = first; l < labels_.size(); ++l) {
      if (!to.empty() && keys::LabelPrefix(g_, l) >= to) break;
      for (NodeId id : labels_[l]) {
        std::string k = keys::LabelKey(g_, l, id);
        if (in_range(k)) out->emplace_back(std::move(k), std::string());
      }
    }
  }
  if (family_meets(keys::Tag::kUnique)) {
    unique_.ForEach([&](std::string_view k, uint64_t id) {
      if (in_range(k)) out->emplace_back(std::string(k), keys::U64Value(id));
    });
  }
  for (auto it = prop_index_.lower_bound(from); it != prop_index_.end() && (to.empty() || *it < to); ++it)
    out->emplace_back(*it, std::string());
  for (auto it = other_.lower_bound(from); it != other_.end() && (to.empty() || it->first < to); ++it)
    if (it->second) out->emplace_back(it->first, *it->second);
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(start), out->end());
}

rocksdb::Iterator* BulkStore::NewIterator(const rocksdb::ReadOptions& ro) const {
  std::string to = ro.iterate_upper_bound ? ro.iterate_upper_bound->ToString() : std::string();
  return new EntriesIterator([this, to](std::string_view from, Entries* out) { Collect(from, to, out); });
}

void BulkStore::PutKey(std::string_view key, std::string_view value) {
  switch (static_cast<keys::Tag>(key[kTagAt])) {
    case keys::Tag::kNode:
    case keys::Tag::kRel: {
      bool node = key[kTagAt] == static_cast<char>(keys::Tag::kNode);
      ByteArena::Ref* slot = node ? NodeSlot(keys::GetU64BE(key.data() + 5)) : RelSlot(keys::GetU64BE(key.data() + 5));
      // Ids below the load's first are never live (the graph was empty), and
      // a record is never empty: neither can come from a transaction.
      assert(slot != nullptr && !value.empty());
      if (slot == nullptr || value.empty()) return;
      *slot = AddRecord(node, value);
      return;
    }
    case keys::Tag::kAdj: {
      AdjEntry e;
      NodeId node = keys::GetU64BE(key.data() + 5);
      // A relationship's ends exist (CreateRel checks), so they are the load's.
      if (!keys::ParseAdjKey(key, &e) || NodeSlot(node) == nullptr) {
        assert(false && "adjacency of a node the load does not hold");
        return;
      }
      const size_t i = node - node_base_;
      const int d = static_cast<int>(e.dir);
      const Adj a{e.other, e.rel, e.type};
      if (adj_span_[i].first != 0 && !erased_.empty()) {
        auto it = erased_.find(ErasedAdj{node, d, a});
        if (it != erased_.end()) {  // back in the run it never left
          erased_.erase(it);
          return;
        }
      }
      uint32_t& slot = adj_slot_[i];
      if (slot == kNoSlot) {
        slot = static_cast<uint32_t>(adj_mem_.size());
        adj_mem_.emplace_back();
      }
      std::vector<Adj>& list = adj_mem_[slot].dir[d];
      const size_t capacity = list.capacity();
      InsertSorted(&list, a);
      adj_bytes_ += (list.capacity() - capacity) * sizeof(Adj);
      return;
    }
    case keys::Tag::kLabel: {
      LabelId label = keys::GetU32BE(key.data() + 5);
      NodeId id = keys::TrailingId(key);
      if (label >= labels_.size()) labels_.resize(label + 1);
      if (InsertSorted(&labels_[label], id)) memory_bytes_ += sizeof(NodeId);
      return;
    }
    case keys::Tag::kUnique:
      assert(value.size() == 8);
      if (value.size() != 8) return;
      unique_.Put(key, keys::GetU64BE(value.data()));
      return;
    case keys::Tag::kPropIndex:
      if (prop_index_.emplace(key).second) memory_bytes_ += key.size() + 48;
      return;
    default:
      break;
  }
  auto [it, inserted] = other_.insert_or_assign(std::string(key), std::string(value));
  if (inserted) memory_bytes_ += key.size() + value.size() + 64;
}

void BulkStore::DeleteKey(std::string_view key) {
  switch (static_cast<keys::Tag>(key[kTagAt])) {
    case keys::Tag::kNode:
    case keys::Tag::kRel: {
      bool node = key[kTagAt] == static_cast<char>(keys::Tag::kNode);
      uint64_t id = keys::GetU64BE(key.data() + 5), base = node ? node_base_ : rel_base_;
      auto& v = node ? nodes_ : rels_;
      if (id >= base && id - base < v.size()) v[id - base] = ByteArena::Ref();
      return;
    }
    case keys::Tag::kAdj: {
      AdjEntry e;
      NodeId node = keys::GetU64BE(key.data() + 5);
      if (!keys::ParseAdjKey(key, &e) || node < node_base_ || node - node_base_ >= adj_slot_.size()) return;
      const size_t i = node - node_base_;
      const int d = static_cast<int>(e.dir);
      const Adj a{e.other, e.rel, e.type};
      if (adj_slot_[i] != kNoSlot && EraseSorted(&adj_mem_[adj_slot_[i]].dir[d], a)) return;
      // Not in memory: in one of the runs, if anywhere. Keys are never
      // written twice (a relationship's id is new), so it was in one place.
      if (adj_span_[i].first != 0 && erased_.insert(ErasedAdj{node, d, a}).second) ++adj_erased_;
      return;
    }
    case keys::Tag::kLabel: {
      LabelId label = keys::GetU32BE(key.data() + 5);
      if (label < labels_.size()) EraseSorted(&labels_[label], keys::TrailingId(key));
      return;
    }
    case keys::Tag::kUnique:
      unique_.Erase(key);
      return;
    case keys::Tag::kPropIndex: {
      auto it = prop_index_.find(key);
      if (it != prop_index_.end()) prop_index_.erase(it);
      return;
    }
    default:
      // A tombstone: the database may hold this key from before the load.
      other_.insert_or_assign(std::string(key), std::nullopt);
      return;
  }
}

void BulkStore::Apply(uint32_t g, const WriteOverlay& batch, GraphImpl::Publish publish,
                      const std::unordered_set<NodeId>& deleted) {
  assert(g == g_);
  // One entry per key, so the order does not matter: no sort.
  batch.ForEach([&](std::string_view key, const WriteOverlay::Entry& e) {
    if (key.size() <= kTagAt || keys::GetU32BE(key.data()) != g) return;
    if (e.deleted)
      DeleteKey(key);
    else
      PutKey(key, e.value);
  });
  // Past the budget with the records already on disk, adjacency goes too,
  // at a transaction's end: in runs of at least 1/16 of the budget, so that
  // what cannot spill (the unique index) passing the budget on its own does
  // not make a run of every transaction.
  if (spilled_ && adj_status_.ok() && !adj_mem_.empty() && MemoryBytes() > memory_budget_ &&
      AdjMemoryBytes() >= memory_budget_ / 16)
    SpillAdjacency();
  counters_ = *publish.counters;
  if (publish.indexes_changed) indexes_ = std::move(publish.indexes);
  deleted_.insert(deleted.begin(), deleted.end());
  graph_->PublishTokens(publish.new_tokens);
}

void BulkStore::TokenKeys(std::vector<std::pair<std::string, std::string>>* out) const {
  for (keys::Tag tag : {keys::Tag::kTokenName, keys::Tag::kTokenId}) {
    std::string prefix = keys::GraphPrefix(g_) + static_cast<char>(tag);
    for (auto it = other_.lower_bound(prefix); it != other_.end() && it->first.starts_with(prefix); ++it)
      if (it->second) out->emplace_back(it->first, *it->second);
  }
}

// Sorted keys into table files: a new file at every Start() and whenever
// the current one reaches the size limit.
class TableSink {
 public:
  TableSink(const rocksdb::Options& options, std::string name_prefix, uint64_t max_file_bytes)
      : writer_(rocksdb::EnvOptions(), options), prefix_(std::move(name_prefix)), max_bytes_(max_file_bytes) {}

  // Ends the current file; the next key starts a new one.
  Status Start() {
    if (!open_) return Status::OK();
    open_ = false;
    rocksdb::ExternalSstFileInfo info;
    rocksdb::Status s = writer_.Finish(&info);
    if (!s.ok()) return FromRocks(s, "bulk load: finish " + files_.back());
    bytes_ += info.file_size;
    return Status::OK();
  }
  Status Put(const std::string& key, std::string_view value) {
    TG_RETURN_IF_ERROR(Ready());
    return Check(writer_.Put(key, rocksdb::Slice(value.data(), value.size())));
  }
  Status Delete(const std::string& key) {
    TG_RETURN_IF_ERROR(Ready());
    return Check(writer_.Delete(key));
  }

  std::vector<std::string> files_;
  uint64_t keys_ = 0;
  uint64_t bytes_ = 0;

 private:
  Status Ready() {
    if (open_ && writer_.FileSize() < max_bytes_) return Status::OK();
    TG_RETURN_IF_ERROR(Start());
    files_.push_back(prefix_ + std::to_string(files_.size()) + ".sst");
    rocksdb::Status s = writer_.Open(files_.back());
    if (!s.ok()) return FromRocks(s, "bulk load: create " + files_.back());
    open_ = true;
    return Status::OK();
  }
  Status Check(const rocksdb::Status& s) {
    if (!s.ok()) return FromRocks(s, "bulk load: write " + files_.back());
    ++keys_;
    return Status::OK();
  }

  rocksdb::SstFileWriter writer_;
  std::string prefix_;
  uint64_t max_bytes_;
  bool open_ = false;
};

Status BulkStore::WriteFamily(char tag, TableSink* sink) const {
  TG_RETURN_IF_ERROR(sink->Start());
  switch (static_cast<keys::Tag>(tag)) {
    case keys::Tag::kNode:
    case keys::Tag::kRel: {
      bool node = tag == static_cast<char>(keys::Tag::kNode);
      const auto& v = node ? nodes_ : rels_;
      uint64_t base = node ? node_base_ : rel_base_;
      SpillReader reader(node ? node_file_ : rel_file_, SpillBuffer());
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].present()) continue;
        std::string_view rec;
        if (!spilled_)
          rec = records_.Get(v[i]);
        else if (!reader.Read(FilePos(v[i]), v[i].size, &rec))
          return SpillStatus();
        TG_RETURN_IF_ERROR(sink->Put(node ? keys::NodeKey(g_, base + i) : keys::RelKey(g_, base + i), rec));
      }
      break;
    }
    case keys::Tag::kAdj: {
      auto put = [&](NodeId n, const std::vector<Adj>* lists) {
        for (int d = 0; d < 2; ++d)
          for (const Adj& a : lists[d])
            TG_RETURN_IF_ERROR(sink->Put(keys::AdjKey(g_, n, static_cast<Direction>(d), a.type, a.other, a.rel), ""));
        return Status::OK();
      };
      if (runs_.empty()) {
        for (size_t i = 0; i < adj_slot_.size(); ++i)
          if (adj_slot_[i] != kNoSlot) TG_RETURN_IF_ERROR(put(node_base_ + i, adj_mem_[adj_slot_[i]].dir));
        break;
      }
      TG_RETURN_IF_ERROR(
          MergeAdjacency(true, MergeWindow(), [&](NodeId n, std::vector<Adj> (&lists)[2]) { return put(n, lists); }));
      break;
    }
    case keys::Tag::kLabel:
      for (LabelId l = 0; l < labels_.size(); ++l)
        for (NodeId id : labels_[l]) TG_RETURN_IF_ERROR(sink->Put(keys::LabelKey(g_, l, id), ""));
      break;
    case keys::Tag::kUnique: {
      // Sorted on two 8-byte words taken from the key first (label and
      // property key, then the value's first bytes): most comparisons end
      // there, without touching the key bytes in the arena.
      struct Entry {
        uint64_t w1, w2;
        std::string_view key;
        NodeId id;
      };
      auto word = [](std::string_view k, size_t at) {
        char b[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        if (k.size() > at) std::memcpy(b, k.data() + at, std::min<size_t>(8, k.size() - at));
        return keys::GetU64BE(b);
      };
      std::vector<Entry> sorted;
      sorted.reserve(unique_.size());
      unique_.ForEach([&](std::string_view k, uint64_t id) { sorted.push_back({word(k, 5), word(k, 13), k, id}); });
      std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
        if (a.w1 != b.w1) return a.w1 < b.w1;
        if (a.w2 != b.w2) return a.w2 < b.w2;
        return a.key < b.key;
      });
      for (const Entry& e : sorted) TG_RETURN_IF_ERROR(sink->Put(std::string(e.key), keys::U64Value(e.id)));
      break;
    }
    case keys::Tag::kPropIndex:
      for (const std::string& k : prop_index_) TG_RETURN_IF_ERROR(sink->Put(k, ""));
      break;
    default: {
      std::string prefix = keys::GraphPrefix(g_) + tag;
      for (auto it = other_.lower_bound(prefix); it != other_.end() && it->first.starts_with(prefix); ++it)
        TG_RETURN_IF_ERROR(it->second ? sink->Put(it->first, *it->second) : sink->Delete(it->first));
      break;
    }
  }
  return sink->Start();
}

Status BulkStore::WriteTables(const rocksdb::Options& options, const std::string& dir, uint64_t max_file_bytes,
                              std::vector<std::string>* files, uint64_t* keys_out, uint64_t* bytes_out) const {
  // Two writers in parallel (block building and compression are the cost),
  // balanced as measured at 100k documents: adjacency (the most keys) and the
  // unique index (a sort) on one, the records (the most bytes) and the label
  // and property indexes on the other; ~3 s each.
  std::vector<char> first = {static_cast<char>(keys::Tag::kAdj), static_cast<char>(keys::Tag::kUnique)};
  std::vector<char> second = {static_cast<char>(keys::Tag::kNode), static_cast<char>(keys::Tag::kRel),
                              static_cast<char>(keys::Tag::kLabel), static_cast<char>(keys::Tag::kPropIndex)};
  std::set<char> rest;
  for (const auto& [k, v] : other_) rest.insert(k[kTagAt]);
  second.insert(second.end(), rest.begin(), rest.end());
  TableSink a(options, dir + "/bulk-a-", max_file_bytes), b(options, dir + "/bulk-b-", max_file_bytes);
  auto run = [this](const std::vector<char>& tags, TableSink* sink) {
    for (char tag : tags) TG_RETURN_IF_ERROR(WriteFamily(tag, sink));
    return Status::OK();
  };
  Status sa;
  std::thread worker([&] { sa = run(first, &a); });
  Status sb = run(second, &b);
  worker.join();
  TG_RETURN_IF_ERROR(sa);
  TG_RETURN_IF_ERROR(sb);
  for (TableSink* sink : {&a, &b}) {
    files->insert(files->end(), sink->files_.begin(), sink->files_.end());
    *keys_out += sink->keys_;
    *bytes_out += sink->bytes_;
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// GraphImpl's part

void GraphImpl::PublishTokens(std::vector<std::string> (&new_tokens)[3]) {
  bool any = false;
  for (const auto& t : new_tokens) any |= !t.empty();
  if (!any) return;
  std::unique_lock meta(meta_mu_);
  for (int k = 0; k < 3; ++k) {
    for (std::string& name : new_tokens[k]) {
      tokens_[k].ids.emplace(name, static_cast<uint32_t>(tokens_[k].names.size()));
      tokens_[k].names.push_back(std::move(name));
    }
  }
}

Status GraphImpl::IngestTables(const std::vector<std::string>& files, std::shared_ptr<const Counters> counters,
                               const std::unordered_set<NodeId>& deleted) {
  std::lock_guard lock(publish_mu_);
  if (dropped()) return Status::NotFound("graph '" + name_ + "' has been dropped");
  rocksdb::IngestExternalFileOptions io;
  io.move_files = true;  // hard links: the files are ours and in the database's folder
  rocksdb::Status s = rdb()->IngestExternalFile(files, io);
  cache_.reset();
  record_cache_.Clear();  // the load wrote records behind the writer's back
  unique_cache_.MarkIncomplete();  // and unique-index entries
  if (!s.ok()) return FromRocks(s, "bulk load: link the table files into graph '" + name_ + "'");
  counters_ = std::move(counters);
  deleted_nodes_.insert(deleted.begin(), deleted.end());
  return Status::OK();
}

// ---------------------------------------------------------------------------
// BulkLoadImpl

namespace {

class BulkLoadImpl final : public BulkLoad {
 public:
  BulkLoadImpl(std::shared_ptr<GraphImpl> graph, const BulkLoadOptions& options)
      : graph_(graph), store_(graph, graph->db()->options().path, options.memory_budget_bytes) {}

  ~BulkLoadImpl() override {
    if (!done_) SaveTokens();
  }

  Result<std::unique_ptr<WriteTxn>> BeginWrite() override {
    if (done_) return Status::InvalidArgument("bulk load: already finished");
    TG_RETURN_IF_ERROR(store_.SpillStatus());
    // Indexes the graph gained since (the ingest creates them as documents
    // need them): build their entries from the loaded nodes first.
    for (const IndexInfo& index : graph_->Indexes()) {
      bool known = false;
      for (const IndexInfo& i : store_.indexes())
        known |= i.label == index.label && i.key == index.key && i.kind == index.kind;
      if (known) continue;
      WriteTxnImpl txn(graph_, &store_);
      Status s = txn.BuildIndex(index.label, index.key, index.kind);
      if (s.ok()) s = txn.Commit();
      if (!s.ok()) return Status(Status::Aborted("bulk load: index on (" + graph_->LabelName(index.label) + ", " +
                                                 graph_->PropKeyName(index.key) + "): " + s.ToString()));
    }
    return std::unique_ptr<WriteTxn>(std::make_unique<WriteTxnImpl>(graph_, &store_));
  }

  Status Finish() override {
    if (done_) return Status::InvalidArgument("bulk load: already finished");
    done_ = true;
    Status s = WriteAndLink();
    // Failed, nothing was loaded: as for an abandoned load, the tokens must
    // reach the database now, before a later write names more of them.
    if (!s.ok()) SaveTokens();
    return s;
  }

  BulkLoadStats Stats() const override {
    BulkLoadStats s = stats_;
    s.nodes = store_.counters().nodes;
    s.relationships = store_.counters().rels;
    s.memory_bytes = store_.MemoryBytes();
    s.spilled_bytes = store_.SpilledBytes();
    s.spill_reads = store_.SpillReads();
    s.adjacency_runs = store_.AdjRunsWritten();
    s.adjacency_spilled_bytes = store_.AdjSpilledBytes();
    s.adjacency_erased = store_.AdjErased();
    return s;
  }

 private:
  // For a load that loads nothing: the graph knows the load's tokens by name
  // (and hands out the next ids after them), so the database must hold them
  // too, or a later token leaves a gap that Open refuses.
  void SaveTokens() {
    std::vector<std::pair<std::string, std::string>> token_keys;
    store_.TokenKeys(&token_keys);
    if (token_keys.empty()) return;
    rocksdb::WriteBatch batch;
    for (const auto& [k, v] : token_keys) batch.Put(k, v);
    graph_->AcquireWriter();
    (void)graph_->CommitBatch(&batch, GraphImpl::Publish{graph_->counters(), {}, {}, false});
    graph_->ReleaseWriter();
  }

  Status WriteAndLink() {
    graph_->AcquireWriter();  // waits for an open transaction of the load, and keeps others out
    struct Release {
      GraphImpl* g;
      BulkStore* store;
      ~Release() {
        store->CloseSpill();  // success or not, the load is spent: its disk space goes now
        g->ReleaseWriter();
      }
    } release{graph_.get(), &store_};
    TG_RETURN_IF_ERROR(store_.SpillStatus());
    std::shared_ptr<const Counters> now = graph_->counters();
    if (now->nodes != 0 || now->rels != 0 || now->next_node != store_.first_node())
      return Status::Aborted("bulk load: graph '" + graph_->name() +
                             "' was written to while the load was open; nothing was loaded");
    namespace fs = std::filesystem;
    static std::atomic<uint64_t> serial{0};
    const fs::path dir = fs::path(graph_->db()->options().path) /
                         ("bulk-load-" + std::to_string(graph_->id()) + "-" + std::to_string(serial++));
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) return Status::IOError("bulk load: create " + dir.string() + ": " + ec.message());
    struct Cleanup {
      fs::path dir;
      ~Cleanup() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
      }
    } cleanup{dir};
    std::vector<std::string> files;
    rocksdb::Options options = graph_->rdb()->GetOptions();
    TG_RETURN_IF_ERROR(store_.WriteTables(options, dir.string(), kMaxFileBytes, &files, &stats_.keys_written,
                                          &stats_.bytes_written));
    stats_.files_written = files.size();
    if (files.empty()) return Status::OK();
    return graph_->IngestTables(files, std::make_shared<const Counters>(store_.counters()), store_.deleted());
  }

  static constexpr uint64_t kMaxFileBytes = 256ull << 20;
  std::shared_ptr<GraphImpl> graph_;
  BulkStore store_;
  BulkLoadStats stats_;
  bool done_ = false;
};

}  // namespace
}  // namespace internal

Status BeginBulkLoad(Graph& graph, std::unique_ptr<BulkLoad>* out) { return BeginBulkLoad(graph, BulkLoadOptions(), out); }

Status BeginBulkLoad(Graph& graph, const BulkLoadOptions& options, std::unique_ptr<BulkLoad>* out) {
  auto* impl = dynamic_cast<internal::GraphImpl*>(&graph);
  if (impl == nullptr) return Status::InvalidArgument("bulk load: not a graph of this database");
  std::shared_ptr<internal::GraphImpl> g = std::static_pointer_cast<internal::GraphImpl>(impl->shared_from_this());
  if (g->dropped()) return Status::NotFound("graph '" + g->name() + "' has been dropped");
  std::shared_ptr<const internal::Counters> c = g->counters();
  if (c->nodes != 0 || c->rels != 0)
    return Status::InvalidArgument("bulk load: graph '" + g->name() + "' is not empty (" + std::to_string(c->nodes) +
                                   " nodes, " + std::to_string(c->rels) +
                                   " relationships); a bulk load only fills an empty graph");
  *out = std::make_unique<internal::BulkLoadImpl>(std::move(g), options);
  return Status::OK();
}

}  // namespace trendgraph::storage
