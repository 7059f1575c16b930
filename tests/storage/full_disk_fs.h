// A RocksDB file system that reports a full disk on demand: every append
// fails with NoSpace while `full` is set. The storage tests use it as the
// fault seam (storage/test_hooks.h) for disk-full behaviour.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <string>

namespace trendgraph::storage::testing {

class FullDiskFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FullDiskFile(std::unique_ptr<rocksdb::FSWritableFile> f, const std::atomic<bool>* full)
      : FSWritableFileOwnerWrapper(std::move(f)), full_(full) {}
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* dbg) override {
    if (*full_) return rocksdb::IOStatus::NoSpace("injected: disk full");
    return target()->Append(data, o, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& info, rocksdb::IODebugContext* dbg) override {
    if (*full_) return rocksdb::IOStatus::NoSpace("injected: disk full");
    return target()->Append(data, o, info, dbg);
  }

 private:
  const std::atomic<bool>* full_;
};

class FullDiskFs : public rocksdb::FileSystemWrapper {
 public:
  FullDiskFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FullDiskFs"; }
  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> f;
    rocksdb::IOStatus s = target()->NewWritableFile(name, o, &f, dbg);
    if (s.ok()) *out = std::make_unique<FullDiskFile>(std::move(f), &full);
    return s;
  }
  std::atomic<bool> full{false};
};

}  // namespace trendgraph::storage::testing
