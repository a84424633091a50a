/*
 * business_time.c
 *		Business calendars: validation of the calendar tables, the trigger
 *		that invalidates compiled calendars, business_seconds and business_add.
 */
#include "ccr_metrics.h"

/* server headers with inline functions that -Wextra flags */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#pragma GCC diagnostic pop
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/inval.h"
#include "utils/memutils.h"

/* calendar_timezone_ok(timezone text): CHECK of ccr.calendars.timezone */
PG_FUNCTION_INFO_V1(ccr_calendar_timezone_ok);
Datum
ccr_calendar_timezone_ok(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	pg_tz	   *tz;

	tz = (strlen(name) <= TZ_STRLEN_MAX) ? pg_tzset(name) : NULL;
	if (tz == NULL || !pg_tz_acceptable(tz))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid time zone \"%s\" for a calendar", name),
				 errhint("Use a name from pg_timezone_names, such as \"Europe/Helsinki\".")));
	PG_RETURN_BOOL(true);
}

/* calendar_hours_ok(isodow, opens, closes): CHECK of ccr.calendar_hours */
PG_FUNCTION_INFO_V1(ccr_calendar_hours_ok);
Datum
ccr_calendar_hours_ok(PG_FUNCTION_ARGS)
{
	int32		isodow = PG_GETARG_INT32(0);
	TimeADT		opens = PG_GETARG_TIMEADT(1);
	TimeADT		closes = PG_GETARG_TIMEADT(2);

	if (isodow < 1 || isodow > 7)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calendar hours isodow must be between 1 (Monday) and 7 (Sunday), got %d", isodow)));
	if (closes <= opens)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calendar hours closes (%s) must be after opens (%s)",
						DatumGetCString(DirectFunctionCall1(time_out, TimeADTGetDatum(closes))),
						DatumGetCString(DirectFunctionCall1(time_out, TimeADTGetDatum(opens)))),
				 errhint("Use 24:00 for closing at midnight; split hours past midnight into two days.")));
	PG_RETURN_BOOL(true);
}

/*
 * calendar_changed(): statement trigger on the calendar tables.  Data changes
 * send no invalidation by themselves, so we send a relcache invalidation of
 * the changed table: it is processed by this backend at the end of the
 * command and by every other backend once the transaction commits, and our
 * relcache callback drops the compiled calendars.
 */
PG_FUNCTION_INFO_V1(ccr_calendar_changed);
Datum
ccr_calendar_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "ccr.calendar_changed must be called as a trigger");
	CacheInvalidateRelcache(trigdata->tg_relation);
	PG_RETURN_POINTER(NULL);
}
