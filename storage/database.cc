#include <fcntl.h>
#include <rocksdb/experimental.h>
#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/db_impl.h"
#include "storage/test_hooks.h"

namespace trendgraph::storage {

namespace fs = std::filesystem;
using internal::DatabaseImpl;
using internal::FromRocks;
using internal::GraphImpl;

namespace {

// The marker file that makes a directory a trendgraph database. Its presence
// (not RocksDB's CURRENT) is what Open trusts, so a foreign RocksDB or any
// other directory is never written to.
constexpr const char* kMarkerFile = "TRENDGRAPH";

std::string MarkerText(uint32_t version) {
  return "trendgraph database\nformat " + std::to_string(version) + "\n";
}

Status ReadMarker(const fs::path& dir, uint32_t* version) {
  std::ifstream in(dir / kMarkerFile);
  if (!in) return Status::IOError("cannot read " + (dir / kMarkerFile).string());
  std::string line1, word;
  std::getline(in, line1);
  long long v = -1;
  in >> word >> v;
  if (line1 != "trendgraph database" || word != "format" || v < 0 || v > UINT32_MAX)
    return Status::Corruption((dir / kMarkerFile).string() + " is not a valid trendgraph marker file");
  *version = static_cast<uint32_t>(v);
  return Status::OK();
}

Status ErrnoStatus(const std::string& what, int err) {
  std::string msg = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(msg);
  return Status::IOError(msg);
}

// Writes the marker atomically (temp file, fsync, rename).
Status WriteMarker(const fs::path& dir, uint32_t version) {
  std::string tmp = (dir / (std::string(kMarkerFile) + ".tmp")).string();
  std::string text = MarkerText(version);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create " + tmp, errno);
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  if (n != static_cast<ssize_t>(text.size()) || ::fsync(fd) != 0) {
    if (n >= 0) err = n == static_cast<ssize_t>(text.size()) ? errno : ENOSPC;
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoStatus("write " + tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), (dir / kMarkerFile).c_str()) != 0) return ErrnoStatus("rename " + tmp, errno);
  return Status::OK();
}

bool ValidGraphName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

Status CheckGraphName(std::string_view name) {
  if (ValidGraphName(name)) return Status::OK();
  return Status::InvalidArgument("invalid graph name '" + std::string(name) +
                                 "': use 1-64 characters of A-Z a-z 0-9 _ -");
}

std::string U32Value(uint32_t v) {
  std::string s;
  keys::PutU32BE(&s, v);
  return s;
}

rocksdb::Options MakeRocksOptions(const Options& options) {
  rocksdb::Options o;
  if (rocksdb::Env* env = internal::EnvForTesting()) o.env = env;
  o.create_if_missing = true;
  o.max_background_jobs = 2;
  o.bytes_per_sync = 1 << 20;
  o.db_write_buffer_size = options.write_buffer_bytes;
  // Four memtables of a quarter of the budget each (skiplist inserts get a
  // little cheaper as a memtable gets smaller, but each flush becomes an L0
  // file that compaction must merge; see the L0 trigger below).
  o.write_buffer_size = std::clamp<size_t>(options.write_buffer_bytes / 4, 4 << 20, 32 << 20);
  o.max_write_buffer_number = 4;
  // An ingest spreads every flush over the whole key space (adjacency and
  // unique-index keys of old nodes), so each L0 compaction rewrites the
  // whole base level: its cost grows with the database. Letting L0 collect
  // 8 files (256 MiB with 32 MiB memtables) before compacting cuts the
  // number of those rewrites 4x; bloom filters keep point reads across the
  // extra L0 files cheap. Slowdown/stop are raised to match so a running
  // compaction never throttles the writer.
  o.level0_file_num_compaction_trigger = 8;
  o.level0_slowdown_writes_trigger = 24;
  o.level0_stop_writes_trigger = 40;
  o.level_compaction_dynamic_level_bytes = true;
  o.keep_log_file_num = 3;
  o.max_manifest_file_size = 64 << 20;
  // Prefix = graph id, tag and the first 8 bytes after it: one node's whole
  // adjacency (both directions), or a full node/rel key. Adjacency scans then
  // use prefix bloom filters; other scans ask for total order.
  o.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(keys::kAdjNodePrefixSize));
  o.memtable_prefix_bloom_size_ratio = 0.02;
  // Whole keys in the memtable bloom too: unique-index probes share one
  // prefix per (label, key), so only a whole-key filter lets the many misses
  // of an ingest (new concepts) skip the skiplist searches.
  o.memtable_whole_key_filtering = true;
  // One writer per graph: no concurrent memtable inserts to pay for.
  o.allow_concurrent_memtable_write = false;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = true;
  // Index and filter blocks stay in the table readers' memory (about 1.5
  // bytes per key), not in the block cache: once SST files reach tens of MB
  // their whole-file filter block (megabytes) no longer fits a 4 MB cache
  // shard, and every point read fetched and checksummed it again from the
  // file. Measured on the 100k-document bench ingest: 30% of all CPU in
  // re-reading filter blocks, ingest down to ~50 documents/s past 45k
  // documents.
  t.cache_index_and_filter_blocks = false;
  t.format_version = 5;
  t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // Flushes write L0 uncompressed (an ingest flushes often and compacts L0
  // soon after: compressing it is wasted work); compactions write LZ4.
  // ZSTD on the bottommost level cost ~8% of a 10k-document ingest's CPU,
  // because with dynamic level sizes every L0 compaction of a young
  // database writes the bottommost level.
  o.compression = rocksdb::kLZ4Compression;
  o.compression_per_level = {rocksdb::kNoCompression, rocksdb::kLZ4Compression};
  return o;
}

}  // namespace

namespace internal {

namespace {
rocksdb::Env* g_test_env = nullptr;
}  // namespace
void SetEnvForTesting(rocksdb::Env* env) { g_test_env = env; }
rocksdb::Env* EnvForTesting() { return g_test_env; }

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(context) + ": " + s.ToString();
  if (s.IsNoSpace()) return Status::ResourceExhausted(msg);
  switch (s.code()) {
    case rocksdb::Status::kNotFound: return Status::NotFound(msg);
    case rocksdb::Status::kCorruption: return Status::Corruption(msg);
    case rocksdb::Status::kInvalidArgument: return Status::InvalidArgument(msg);
    case rocksdb::Status::kNotSupported: return Status::NotSupported(msg);
    case rocksdb::Status::kBusy: return Status::Busy(msg);
    case rocksdb::Status::kTimedOut: return Status::TimedOut(msg);
    case rocksdb::Status::kAborted: return Status::Aborted(msg);
    default: return Status::IOError(msg);
  }
}

DatabaseImpl::DatabaseImpl(const Options& options, rocksdb::DB* db, int lock_fd)
    : options_(options), db_(db), lock_fd_(lock_fd) {
  write_options_.sync = options.sync;
}

DatabaseImpl::~DatabaseImpl() {
  {
    std::lock_guard lock(catalogue_mu_);
    graphs_.clear();
  }
  if (db_) {
    (void)db_->Close();
    db_.reset();
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

void DisablePerfCountersOnThisThread() {
  // RocksDB counts every key comparison into a thread-local perf context by
  // default; nobody reads those counters here, and they cost a few percent
  // of a commit.
  thread_local bool disabled = (rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable), true);
  (void)disabled;
}

rocksdb::Status DatabaseImpl::Write(rocksdb::WriteBatch* batch) {
  DisablePerfCountersOnThisThread();
  if (write_failed_.load(std::memory_order_acquire)) (void)db_->Resume();  // Busy while RocksDB recovers itself
  rocksdb::Status s = db_->Write(write_options_, batch);
  write_failed_.store(!s.ok() && !s.IsInvalidArgument() && !s.IsNotSupported(), std::memory_order_release);
  return s;
}

Status DatabaseImpl::Init(bool fresh) {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::MetaKey(keys::Tag::kMetaVersion), &v);
  if (s.IsNotFound()) {
    if (!fresh || options_.read_only)
      return Status::Corruption("database '" + options_.path + "' has no format version record");
    // A new database: version, graph id allocator and the default graph in
    // one batch.
    rocksdb::WriteBatch batch;
    batch.Put(keys::MetaKey(keys::Tag::kMetaVersion), U32Value(keys::kFormatVersion));
    batch.Put(keys::MetaKey(keys::Tag::kMetaNextGraph), U32Value(2));
    batch.Put(keys::CatalogueKey("default"), U32Value(1));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    TG_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &batch), "initialise database"));
    next_graph_id_ = 2;
    graphs_.emplace("default", std::make_shared<GraphImpl>(this, "default", 1));
    return Status::OK();
  }
  TG_RETURN_IF_ERROR(FromRocks(s, "read format version"));
  if (v.size() != 4) return Status::Corruption("database '" + options_.path + "': malformed format version");
  uint32_t version = keys::GetU32BE(v.data());
  if (version > keys::kFormatVersion)
    return Status::VersionMismatch("database '" + options_.path + "' has format version " + std::to_string(version) +
                                   "; this build reads up to " + std::to_string(keys::kFormatVersion));
  if (version < keys::kFormatVersion && !options_.read_only) {
    // This build reads every older format but writes only its own (format 2
    // writes no type-index entries): an older build must refuse the
    // database from now on, so both version records move up.
    rocksdb::WriteBatch batch;
    batch.Put(keys::MetaKey(keys::Tag::kMetaVersion), U32Value(keys::kFormatVersion));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    TG_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &batch), "upgrade format version"));
    TG_RETURN_IF_ERROR(WriteMarker(options_.path, keys::kFormatVersion));
  }
  s = db_->Get(rocksdb::ReadOptions(), keys::MetaKey(keys::Tag::kMetaNextGraph), &v);
  TG_RETURN_IF_ERROR(FromRocks(s, "read graph id allocator"));
  if (v.size() != 4) return Status::Corruption("malformed graph id allocator");
  next_graph_id_ = keys::GetU32BE(v.data());
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  std::string prefix = keys::CataloguePrefix();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->value().size() != 4) return Status::Corruption("malformed graph catalogue entry");
    std::string name = it->key().ToString().substr(prefix.size());
    auto g = std::make_shared<GraphImpl>(this, name, keys::GetU32BE(it->value().data()));
    TG_RETURN_IF_ERROR(g->Load());
    graphs_.emplace(std::move(name), std::move(g));
  }
  TG_RETURN_IF_ERROR(FromRocks(it->status(), "read graph catalogue"));
  if (!graphs_.count("default")) return Status::Corruption("the graph catalogue has no 'default' graph");
  return Status::OK();
}

Status DatabaseImpl::CreateGraph(std::string_view name) {
  TG_RETURN_IF_ERROR(CheckGraphName(name));
  if (options_.read_only) return Status::NotSupported("the database is open read-only");
  std::lock_guard lock(catalogue_mu_);
  if (graphs_.count(name)) return Status::AlreadyExists("graph '" + std::string(name) + "' already exists");
  return CreateGraphLocked(name);
}

Status DatabaseImpl::CreateGraphLocked(std::string_view name) {
  uint32_t id = next_graph_id_;
  rocksdb::WriteBatch batch;
  batch.Put(keys::CatalogueKey(name), U32Value(id));
  batch.Put(keys::MetaKey(keys::Tag::kMetaNextGraph), U32Value(id + 1));
  TG_RETURN_IF_ERROR(FromRocks(Write(&batch), "create graph '" + std::string(name) + "'"));
  next_graph_id_ = id + 1;
  graphs_.emplace(std::string(name), std::make_shared<GraphImpl>(this, std::string(name), id));
  return Status::OK();
}

Status DatabaseImpl::DropGraph(std::string_view name) {
  TG_RETURN_IF_ERROR(CheckGraphName(name));
  if (options_.read_only) return Status::NotSupported("the database is open read-only");
  uint32_t dropped_id = 0;
  std::shared_ptr<GraphImpl> g;
  {
    std::lock_guard lock(catalogue_mu_);
    auto it = graphs_.find(name);
    if (it == graphs_.end()) return Status::NotFound("graph '" + std::string(name) + "' does not exist");
    g = it->second;
  }
  // Wait for the running transaction without blocking the catalogue.
  g->AcquireWriter();
  {
    std::lock_guard lock(catalogue_mu_);
    auto it = graphs_.find(name);
    if (it == graphs_.end() || it->second != g) {  // dropped meanwhile by someone else
      g->ReleaseWriter();
      return Status::NotFound("graph '" + std::string(name) + "' does not exist");
    }
    dropped_id = g->id();
    // One batch: the catalogue entry goes, the graph's key range goes, and a
    // dropped default graph comes back empty under a fresh id.
    rocksdb::WriteBatch batch;
    batch.Delete(keys::CatalogueKey(name));
    batch.DeleteRange(keys::GraphPrefix(dropped_id), keys::GraphPrefix(dropped_id + 1));
    bool recreate = name == "default";
    uint32_t new_id = next_graph_id_;
    if (recreate) {
      batch.Put(keys::CatalogueKey(name), U32Value(new_id));
      batch.Put(keys::MetaKey(keys::Tag::kMetaNextGraph), U32Value(new_id + 1));
    }
    rocksdb::Status s = Write(&batch);
    if (!s.ok()) {
      g->ReleaseWriter();
      return FromRocks(s, "drop graph '" + std::string(name) + "'");
    }
    g->MarkDropped();
    g->ReleaseWriter();
    graphs_.erase(it);
    if (recreate) {
      next_graph_id_ = new_id + 1;
      graphs_.emplace("default", std::make_shared<GraphImpl>(this, "default", new_id));
    }
  }
  // Reclaim the space soon, in the background: the range tombstone already
  // hides every key, and a synchronous CompactRange made each drop cost tens
  // of milliseconds (the TCK creates and drops a graph per scenario). Files
  // overlapping the range are marked for compaction; keys still in the
  // memtable are dropped when it is flushed.
  std::string begin = keys::GraphPrefix(dropped_id), end = keys::GraphPrefix(dropped_id + 1);
  rocksdb::Slice b(begin), e(end);
  return FromRocks(rocksdb::experimental::SuggestCompactRange(db_.get(), &b, &e), "reclaim space of dropped graph");
}

std::vector<std::string> DatabaseImpl::ListGraphs() const {
  std::lock_guard lock(catalogue_mu_);
  std::vector<std::string> out;
  for (const auto& [name, g] : graphs_) out.push_back(name);
  return out;
}

Status DatabaseImpl::GetGraph(std::string_view name, std::shared_ptr<Graph>* out) {
  std::lock_guard lock(catalogue_mu_);
  auto it = graphs_.find(name);
  if (it == graphs_.end()) return Status::NotFound("graph '" + std::string(name) + "' does not exist");
  *out = it->second;
  return Status::OK();
}

Status DatabaseImpl::Backup(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) return Status::AlreadyExists("backup directory '" + dir + "' already exists");
  rocksdb::Checkpoint* raw = nullptr;
  TG_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "backup"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  TG_RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(dir), "backup to '" + dir + "'"));
  return WriteMarker(dir, keys::kFormatVersion);
}

Status DatabaseImpl::Flush() { return FromRocks(db_->Flush(rocksdb::FlushOptions()), "flush"); }

Status DatabaseImpl::Settle() {
  if (options_.read_only) return Status::OK();
  TG_RETURN_IF_ERROR(Flush());
  // RocksDB 7.8 has no WaitForCompact: poll the same properties it reads.
  for (;;) {
    uint64_t pending = 0, compactions = 0, flushes = 0;
    if (!db_->GetIntProperty("rocksdb.compaction-pending", &pending) ||
        !db_->GetIntProperty("rocksdb.num-running-compactions", &compactions) ||
        !db_->GetIntProperty("rocksdb.num-running-flushes", &flushes))
      return Status::IOError("settle: RocksDB does not report its background work");
    if (pending == 0 && compactions == 0 && flushes == 0) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

DatabaseStats DatabaseImpl::Stats() const {
  DatabaseStats s;
  uint64_t v = 0;
  if (db_->GetIntProperty("rocksdb.live-sst-files-size", &v)) s.live_sst_bytes = v;
  if (db_->GetIntProperty("rocksdb.cur-size-all-mem-tables", &v)) s.memtable_bytes = v;
  if (db_->GetIntProperty("rocksdb.block-cache-usage", &v)) s.block_cache_usage_bytes = v;
  if (db_->GetIntProperty("rocksdb.estimate-num-keys", &v)) s.estimated_keys = v;
  AddReadCacheStats(&s);
  return s;
}

}  // namespace internal

Status Database::Open(const Options& options, std::unique_ptr<Database>* out) {
  if (options.path.empty()) return Status::InvalidArgument("Options::path is empty");
  const fs::path dir(options.path);
  std::error_code ec;
  bool fresh = true;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("'" + options.path + "' is not a directory");
    bool empty = fs::is_empty(dir, ec);
    if (ec) return Status::IOError("cannot list '" + options.path + "': " + ec.message());
    if (!empty) {
      if (!fs::exists(dir / kMarkerFile, ec))
        return Status::InvalidArgument("'" + options.path +
                                       "' is not a trendgraph database (not empty and no TRENDGRAPH marker file)");
      uint32_t version = 0;
      TG_RETURN_IF_ERROR(ReadMarker(dir, &version));
      if (version > keys::kFormatVersion)
        return Status::VersionMismatch("database '" + options.path + "' has format version " +
                                       std::to_string(version) + "; this build reads up to " +
                                       std::to_string(keys::kFormatVersion));
      // A marker without RocksDB files: creation was interrupted; finish it.
      fresh = !fs::exists(dir / "CURRENT", ec);
    }
  } else if (ec) {
    return Status::IOError("cannot access '" + options.path + "': " + ec.message());
  }
  if (fresh && (!options.create_if_missing || options.read_only))
    return Status::NotFound("no trendgraph database at '" + options.path + "'");
  if (fresh) {
    fs::create_directories(dir, ec);
    if (ec) return ErrnoStatus("create '" + options.path + "'", ec.value());
    if (!fs::exists(dir / kMarkerFile)) TG_RETURN_IF_ERROR(WriteMarker(dir, keys::kFormatVersion));
  }

  // Our own lock on the marker, taken before RocksDB touches the directory
  // (RocksDB would rotate its LOG file before finding its LOCK held).
  int lock_fd = -1;
  if (!options.read_only) {
    lock_fd = ::open((dir / kMarkerFile).c_str(), O_RDONLY | O_CLOEXEC);
    if (lock_fd < 0) return ErrnoStatus("open " + (dir / kMarkerFile).string(), errno);
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(lock_fd);
      if (err == EWOULDBLOCK)
        return Status::Busy("database '" + options.path + "' is in use: another process (or handle) holds it");
      return ErrnoStatus("lock " + options.path, err);
    }
  }

  rocksdb::Options ro = MakeRocksOptions(options);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = options.read_only ? rocksdb::DB::OpenForReadOnly(ro, options.path, &raw)
                                        : rocksdb::DB::Open(ro, options.path, &raw);
  if (!s.ok()) {
    if (lock_fd >= 0) ::close(lock_fd);
    if (s.IsIOError() && !s.IsNoSpace() && s.ToString().find("lock") != std::string::npos)
      return Status::Busy("database '" + options.path + "' is in use: another process holds it (" + s.ToString() + ")");
    return FromRocks(s, "open database '" + options.path + "'");
  }
  auto db = std::make_unique<DatabaseImpl>(options, raw, lock_fd);
  TG_RETURN_IF_ERROR(db->Init(fresh));
  *out = std::move(db);
  return Status::OK();
}

Status Database::Restore(const std::string& backup_dir, const std::string& db_path) {
  std::error_code ec;
  const fs::path src(backup_dir), dst(db_path);
  if (!fs::exists(src / kMarkerFile, ec) || !fs::exists(src / "CURRENT", ec))
    return Status::InvalidArgument("'" + backup_dir + "' is not a trendgraph backup");
  uint32_t version = 0;
  TG_RETURN_IF_ERROR(ReadMarker(src, &version));
  if (version > keys::kFormatVersion)
    return Status::VersionMismatch("backup '" + backup_dir + "' has format version " + std::to_string(version));
  bool dst_exists = fs::exists(dst, ec);
  if (dst_exists && (!fs::is_directory(dst, ec) || !fs::is_empty(dst, ec)))
    return Status::InvalidArgument("restore target '" + db_path + "' exists and is not an empty directory");
  // Copy next to the target, then rename: a failed restore leaves no
  // half-copied database behind.
  fs::path tmp = dst;
  tmp += ".restore-tmp";
  fs::remove_all(tmp, ec);
  fs::copy(src, tmp, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    return ErrnoStatus("copy backup to '" + tmp.string() + "'", ec.value());
  }
  if (dst_exists) fs::remove(dst, ec);
  fs::rename(tmp, dst, ec);
  if (ec) return ErrnoStatus("rename into '" + db_path + "'", ec.value());
  return Status::OK();
}

}  // namespace trendgraph::storage
