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

/* A duration in the data: finite and >= 0, else SQLSTATE 22003 naming it. */
void
ccr_check_duration(double seconds, const char *what)
{
	if (unlikely(!(seconds >= 0) || isinf(seconds)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be a finite number of seconds >= 0, got %s",
						what, float8out_internal(seconds))));
}

int64
ccr_seconds_to_usec(double seconds, const char *what)
{
	double		us;

	ccr_check_duration(seconds, what);
	us = rint(seconds * CCR_USEC_PER_SEC);
	if (unlikely(us >= 9.2e18))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s of %s seconds is out of range", what, float8out_internal(seconds))));
	return (int64) us;
}

/*
 * A duration parameter (threshold, short-abandon bound): NULL, negative,
 * NaN or infinite raise SQLSTATE 22023 naming the parameter.
 */
double
ccr_param_seconds(FunctionCallInfo fcinfo, int argno, bool is_interval, const char *param)
{
	double		v;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be NULL", param)));
	v = ccr_arg_seconds(fcinfo, argno, is_interval);
	if (!(v >= 0) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number of seconds >= 0, got %s",
						param, float8out_internal(v))));
	return v;
}
