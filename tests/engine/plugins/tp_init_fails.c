/* A plugin whose init reports an error: refused with its message. */
#include "trendgraph/plugin.h"

TG_PLUGIN_ENTRY {
  static const char kMsg[] = "gazetteer file /nonexistent/actors.tsv is missing";
  (void)out;
  host->set_error(ctx, TG_ERR_INVALID_INPUT, kMsg, sizeof(kMsg) - 1);
  return TG_ERR_INVALID_INPUT;
}
