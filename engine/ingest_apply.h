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
//              this way and is left with none (and no pending link of its
//              own) is deleted, unless it is itself
//              a document subject (has content_hash): concept nodes stay while
//              any other article still uses them.
//   other rels relationships that do not start at the subject are merged:
//              created only when no relationship of that type already links
//              the two nodes (re-ingest does not duplicate them).
//   by key     relate_by_key (e.g. CLOSEST to Article.file_hash) links to the
//              target when it exists (in the document or the graph); else it
//              is kept as a pending link, completed (a real relationship
//              with the same type and properties) when a node with that
//              label and property value is written later. A pending link is
//              no part of the graph: it is a pair of storage side records
//              (WriteTxn::PutSide) written in the document's transaction, so
//              queries, counts and the schema never see it, and a failed
//              document or a crash never leaves half of one. A link is
//              identified by (source node, type, target): the same link
//              recorded twice keeps the last properties. An edited document
//              drops its subject's pending links with its other outgoing
//              relationships; a link whose source was deleted meanwhile is
//              dropped, not completed, when its target arrives.
//
// Pending-link side records. APPEND ONLY, NEVER RENUMBER: ON-DISK FORMAT.
//   T = u32be len, target label, u32be len, target key, u32be len, value
//       text, where the value text is 's' + bytes for a string, 'i' +
//       decimal for an integer or an integral double (1 and 1.0 are one key,
//       as in the indexes), 'd' + %.17g for another double, 'b' + 0/1 for a
//       bool, 'x' + Value::DebugString() otherwise.
//   by target  'p' h7 T source:u64be type -> the relationship's properties
//              (h7 = the first 7 bytes of FNV-1a-64(T), big-endian: the scan
//              for one target starts with 8 well-spread bytes, so a target
//              without pending links costs a bloom-filter probe)
//   by source  'q' source:u64be T type   -> {}
//   The two records of a link are written and deleted together.
// Databases written before side records kept a pending link as a
// relationship "_PENDING_<type>" to a node (:_PendingLink {key,
// target_label, target_key}); PendingTargets::LoadOnce converts them, in
// one transaction, and drops the (_PendingLink, key) unique index.
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

// The legacy pending-link shapes (read only by the conversion).
inline constexpr std::string_view kLegacyPendingLabel = "_PendingLink";
inline constexpr std::string_view kLegacyPendingKey = "key";
inline constexpr std::string_view kLegacyPendingTypePrefix = "_PENDING_";

// The (label, key) pairs that pending links of one graph target, so that a
// written node is checked only against keys that can have pending links.
// It may name pairs that no longer have any (a dropped transaction's, a
// completed link's): that costs a lookup, never a wrong answer.
class PendingTargets {
 public:
  // Once per graph (until it succeeds): converts legacy pending links (see
  // above; takes the graph's writer slot, so the caller must not hold a
  // WriteTxn of this graph) and reads the targets of the stored ones.
  // Concurrent callers wait for the first. Errors leave the graph unchanged.
  Status LoadOnce(storage::Graph& graph);
  // For a writer already holding the graph's WriteTxn (a writing
  // procedure): reads the stored targets through `reader` once, without
  // converting legacy pending links (that needs a transaction of its own:
  // the next ingest does it).
  Status LoadStoredOnce(storage::GraphReader& reader);
  void Add(std::string_view label, std::string_view key);
  // The target keys of `label` (copy; usually empty).
  std::vector<std::string> KeysFor(std::string_view label) const;
  bool empty() const;

 private:
  std::mutex load_mu_;  // held while loading; guards the two flags
  bool converted_ = false;
  bool loaded_ = false;
  Status LoadStoredLocked(storage::GraphReader& reader);
  mutable std::mutex mu_;  // guards targets_
  std::set<std::pair<std::string, std::string>, std::less<>> targets_;
};

// Converts the legacy pending links of `graph` into side records in one
// transaction (adding their targets to `targets` if given), then drops the
// legacy unique index. A no-op when there are none. Used by
// PendingTargets::LoadOnce.
Status ConvertLegacyPendingLinks(storage::Graph& graph, PendingTargets* targets);

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
  // properties were written): each becomes a relationship from its source,
  // or is dropped when the source no longer exists.
  Status ResolvePending(storage::NodeId node, std::string_view label);

  // Drops the pending links that start at `node` (its document is replaced).
  Status DropPendingFrom(storage::NodeId node);

  // Deletes `node` if it has no relationships and no pending links left and
  // is not a document subject.
  Status DeleteIfOrphan(storage::NodeId node);

  WriteCounts& counts() { return counts_; }
  storage::WriteTxn& txn() { return txn_; }

  // Records a pending link in the transaction (both side records).
  Status AddPending(storage::NodeId from, std::string_view type, std::string_view target_label,
                    std::string_view target_key, const Value& value, storage::Properties props);

 private:
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
