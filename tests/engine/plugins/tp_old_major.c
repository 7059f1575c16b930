/* A plugin built for another major ABI version: refused. */
#include "trendgraph/plugin.h"

static int32_t Enrich(void* state, const tg_enrich_call* call) {
  (void)state;
  (void)call;
  return TG_OK;
}

TG_PLUGIN_ENTRY {
  (void)host;
  (void)ctx;
  out->abi_version = (2u << 16) | 0u;
  out->struct_size = sizeof(*out);
  out->name = tg_str("old_major", 9);
  out->kinds = TG_KIND_ENRICHER;
  out->enrich = Enrich;
  return TG_OK;
}
