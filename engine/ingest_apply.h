// Applying graph facts to a storage::WriteTxn: the graph schema rules the
// host enforces whatever the plugins emit.
//
//   upsert     a node is found by (label, key property, key value) — through
//              the unique index on (label, key), which the ingest pipeline
//              creates before the first document that uses it — and created
//              (with all its properties in one write) when absent; properties
//              of an existing node are written only when they change.
//   subject    the node a document is about (its Article). It carries the
//              provenance properties source, content_hash, plugin and
//              ingested_at. A document whose content_hash and plugin equal
//              the subject's is `unchanged`: nothing is written.
//   replace    an edited document replaces its subject's contributions: all
//              outgoing relationships of the subject are deleted and the new
//              ones written (an Article's outgoing relationships belong to the
//              document that describes it). A node that lost a relationship
//              this way and is left with none is deleted, unless it is itself
//              a document subject (has content_hash): concept nodes stay while
//              any other article still uses them.
//   other rels relationships that do not start at the subject are merged:
//              created only when no relationship of that type already links
//              the two nodes (re-ingest does not duplicate them).
//   by key     relate_by_key (e.g. CLOSEST to Article.file_hash) links to the
//              target when it exists (in the document or the graph); else it
//              is kept pending as a relationship of type "_PENDING_<type>"
//              (same properties) to a node (:_PendingLink {key, target_label,
//              target_key}), and completed — the pending node replaced by the
//              real target — when a node with that label and property value
//              is written later.
//
// Thread-safety: a GraphWriter is used by the one thread owning the txn.
// PendingTargets is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/ingest_facts.h"
#include "engine/plugin_abi.h"
#include "storage/graph_store.h"
#include "storage/status.h"

namespace trendgraph::engine {

inline constexpr std::string_view kPendingLabel = "_PendingLink";
inline constexpr std::string_view kPendingKey = "key";
inline constexpr std::string_view kPendingTypePrefix = "_PENDING_";

// The (label, key) pairs that pending links of one graph target, so that a
// written node is checked only against keys that can have pending links.
class PendingTargets {
 public:
  // Reads the targets of existing _PendingLink nodes once.
  void LoadOnce(storage::Graph& graph);
  void Add(std::string_view label, std::string_view key);
  // The target keys of `label` (copy; usually empty).
  std::vector<std::string> KeysFor(std::string_view label) const;
  bool empty() const;

 private:
  mutable std::mutex mu_;
  bool loaded_ = false;
  std::set<std::pair<std::string, std::string>, std::less<>> targets_;
};

struct WriteCounts {
  uint64_t nodes_created = 0;
  uint64_t nodes_deleted = 0;
  uint64_t rels_created = 0;
  uint64_t rels_deleted = 0;
  uint64_t properties_set = 0;
};

// The primitive writes shared by document ingest and writing procedures.
class GraphWriter {
 public:
  GraphWriter(storage::WriteTxn& txn, PendingTargets* pending) : txn_(txn), pending_(pending) {}

  // Finds the node (label, key == value) through the best index, or a scan
  // of the label when none covers it. NotFound when absent.
  Status Find(storage::LabelId label, storage::PropKeyId key, const Value& value, storage::NodeId* out);

  // Upserts by key; `props` may contain nulls (remove). Sets *created.
  // On an existing node, `overwrite` sets every property; otherwise only
  // properties the node does not have yet are added (a document's subject
  // Article is overwritten by its own document; the concept nodes and
  // related-article stubs it mentions keep what was written first).
  Result<storage::NodeId> Upsert(storage::LabelId label, storage::PropKeyId key, const Value& key_value,
                                 const std::vector<std::pair<storage::PropKeyId, const Value*>>& props,
                                 bool* created, bool overwrite = true);

  // Creates (from)-[type]->(to); when `merge`, reuses an existing
  // relationship of that type between the two (setting the properties).
  Status Relate(storage::TypeId type, storage::NodeId from, storage::NodeId to,
                const std::vector<std::pair<storage::PropKeyId, const Value*>>& props, bool merge);

  // Links to the node (target_label {target_key: value}) if it exists, else
  // records a pending link. *linked tells which.
  Status RelateByKey(std::string_view type, storage::NodeId from, std::string_view target_label,
                     std::string_view target_key, const Value& value,
                     const std::vector<std::pair<storage::PropKeyId, const Value*>>& props, bool merge, bool* linked);

  // Completes the pending links that target `node` (call after its
  // properties were written).
  Status ResolvePending(storage::NodeId node, std::string_view label);

  // Deletes `node` if it has no relationships left and is not a document
  // subject; pending-link nodes are deleted when unused.
  Status DeleteIfOrphan(storage::NodeId node);

  WriteCounts& counts() { return counts_; }
  storage::WriteTxn& txn() { return txn_; }

 private:
  static std::string PendingKey(std::string_view label, std::string_view key, const Value& value);
  storage::WriteTxn& txn_;
  PendingTargets* pending_;
  WriteCounts counts_;
};

// Provenance of one document.
struct Provenance {
  std::string source;        // document name
  std::string content_hash;  // hex
  std::string plugin;        // source plugin name
  std::string ingested_at;   // ISO 8601 UTC
};

struct ApplyResult {
  bool unchanged = false;
  std::string article_id;  // the subject's key, rendered
  WriteCounts counts;
};

// Applies one document in `txn` (the caller commits). Errors name what is
// wrong; on error the caller drops the txn, so nothing is written.
Status ApplyDocument(storage::WriteTxn& txn, const DocumentFacts& doc, const Provenance& provenance,
                     PendingTargets* pending, ApplyResult* result);

// The (label, key) pairs the document needs indexes for: unique indexes for
// upsert keys, property indexes for relate_by_key targets.
struct IndexNeeds {
  std::vector<std::pair<std::string, std::string>> unique;
  std::vector<std::pair<std::string, std::string>> property;
};
IndexNeeds DocumentIndexNeeds(const DocumentFacts& doc);

// The fact sink of a writing procedure: facts are applied at once to the
// query's transaction (handles are node ids + 1), relationships merged.
class ProcedureFacts final : public tg_facts {
 public:
  ProcedureFacts(storage::WriteTxn& txn, PendingTargets* pending) : writer_(txn, pending) {}

  int32_t UpsertNode(tg_string label, tg_string key_name, const tg_value* key, const tg_property* props, uint64_t n,
                     tg_node_handle* out) override;
  int32_t SetNodeProperty(tg_node_handle node, tg_string key, const tg_value* value) override;
  int32_t Relate(tg_string type, tg_node_handle from, tg_node_handle to, const tg_property* props,
                 uint64_t n) override;
  int32_t RelateByKey(tg_string type, tg_node_handle from, tg_string target_label, tg_string target_key,
                      const tg_value* target_value, const tg_property* props, uint64_t n) override;
  int32_t NodeId(tg_node_handle node, uint64_t* out) override;

  const WriteCounts& counts() { return writer_.counts(); }

 private:
  bool ConvertProps(const tg_property* props, uint64_t n, std::vector<Value>* values,
                    std::vector<std::pair<storage::PropKeyId, const Value*>>* out, const char* what);
  int32_t StorageFail(const char* what, const Status& s);
  bool ValidHandle(tg_node_handle h);
  GraphWriter writer_;
};

}  // namespace trendgraph::engine
