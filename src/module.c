/*
 * Library load: declares the settings of every family, so SHOW, ALTER SYSTEM
 * and SET validate them (PG_MODULE_MAGIC is in summary.c).
 */
#include "postgres.h"

#include "fmgr.h"
/* guc.h reaches bufpage.h, whose inline functions trip -Wunused-parameter */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "utils/guc.h"
#pragma GCC diagnostic pop

#include "ccr_metrics.h"

void		_PG_init(void);

void
_PG_init(void)
{
	ccr_fcr_define_settings();
#if PG_VERSION_NUM >= 150000
	/* a misspelt ccr.* setting is an error, not a silent placeholder */
	MarkGUCPrefixReserved("ccr");
#else
	EmitWarningsOnPlaceholders("ccr");
#endif
}
