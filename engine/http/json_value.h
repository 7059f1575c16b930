// The typed JSON encoding of trendgraph values over HTTP (docs/http.md,
// /work/shared/tck/README.md):
//
//   null, true/false, "text"         as themselves
//   integer                          1          (never a fraction or exponent)
//   float                            1.0, 1e-305 (always a '.' or an exponent);
//                                    {"$float": "NaN" | "Infinity" | "-Infinity"}
//   list, map                        array, object
//   date, localtime, time,           their ISO 8601 text, as the openCypher TCK
//   localdatetime, datetime,         writes them: "2024-03-05", "12:31+01:00",
//   duration                         "2024-03-05T12:00+08:00[Asia/Shanghai]", "P1DT2H"
//   node    {"$node": {"id": "12", "labels": [...], "properties": {...}}}
//   rel     {"$rel": {"id": "7", "type": "T", "start": "3", "end": "4", "properties": {...}}}
//   path    {"$path": [node, rel, node, ...]}
//
// Decoding (request parameters, request bodies) is the inverse for the
// property kinds: an integer without '.' or exponent stays an int64 (out of
// range is an error, never a silent float), anything with '.' or exponent is
// a double, {"$float": ...} gives NaN/infinities, and the temporal kinds come
// as a one-member object naming the kind: {"$date": "2024-03-05"},
// {"$localtime": "12:31"}, {"$time": "12:31+01:00"}, {"$localdatetime":
// "2024-03-05T12:31"}, {"$datetime": "2024-03-05T12:31[Europe/Berlin]"},
// {"$duration": "P1DT2H"}, parsed exactly as date('...'), ..., duration('...')
// in a query (query::ParseTemporal); bad text is an InvalidArgument naming
// the member and the function's complaint. A plain string always stays a
// string. Strings must be valid UTF-8.
//
// Thread-safety: free functions over caller-owned data.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "query/query_api.h"
#include "storage/status.h"
#include "storage/value.h"

namespace trendgraph::engine::http {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes `s` as a JSON string; invalid UTF-8 sequences become U+FFFD so the
// output is always valid JSON.
void WriteJsonString(JsonWriter& w, std::string_view s);

// Writes `v`. Nodes and relationships are resolved through `view` (labels,
// type, properties); when `view` is null or a lookup fails they are written
// with their ids only.
void WriteJsonValue(JsonWriter& w, const Value& v, query::EntityView* view);

// Parses a JSON document into a Value tree (objects become maps, arrays
// lists). Errors: InvalidArgument "malformed JSON at offset N: <reason>",
// naming the offset where the problem is, or "bad value at offset N:
// <reason>" for well-formed JSON with a tagged value ("$float", "$date",
// "$datetime", ...) that does not parse.
Result<Value> ParseJson(std::string_view text);

}  // namespace trendgraph::engine::http
