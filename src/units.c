/*
 * units.c
 *		Duration conversions shared by every family.
 *
 * Sums of durations are kept as int64 microseconds: integer addition is
 * associative, so serial, parallel, partition-wise and rolled-up results are
 * identical bit for bit, and a year of per-minute summaries loses nothing.
 */
#include "ccr_metrics.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/float.h"

/* Seconds in an interval, the way extract(epoch FROM interval) counts them. */
double
ccr_interval_seconds(const Interval *iv)
{
	double		months_s = (double) (iv->month / MONTHS_PER_YEAR) * DAYS_PER_YEAR * SECS_PER_DAY +
		(double) (iv->month % MONTHS_PER_YEAR) * DAYS_PER_MONTH * SECS_PER_DAY;

	return months_s + (double) iv->day * SECS_PER_DAY + (double) iv->time / CCR_USEC_PER_SEC;
}

void
ccr_bad_duration(double seconds, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s must be a finite number of seconds >= 0, got %s",
					what, float8out_internal(seconds))));
}

void
ccr_bad_param_seconds(FunctionCallInfo fcinfo, int argno, double v, const char *param)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be NULL", param)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be a finite number of seconds >= 0, got %s",
					param, float8out_internal(v))));
}
