/*
 * erlang.c
 *		Erlang C staffing formulas.
 *
 * Offered load A = calls * aht_s / interval_s (Erlangs).  P(wait) for n
 * agents is computed from the Erlang B recursion
 *		B(0) = 1,  B(k) = A * B(k-1) / (k + A * B(k-1))
 *		C(n) = n * B(n) / (n - A * (1 - B(n)))
 * which stays in [0, 1] at every step: no factorials or powers, so it is
 * stable for any number of agents (B only underflows towards 0, which is
 * its true limit).  With n <= A the queue never clears: P(wait) = 1,
 * service level 0, ASA Infinity.
 *
 * The functions check their parameters themselves (they are not STRICT): a
 * NULL parameter is an error naming it, SQLSTATE 22023, like every other
 * bad parameter.
 */
#include "ccr_metrics.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

/* relative slack for comparisons of derived floats against whole numbers */
#define ERLANG_REL_EPS 1e-9

static double
erlang_arg(FunctionCallInfo fcinfo, int argno, const char *param)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be NULL", param)));
	return PG_GETARG_FLOAT8(argno);
}

static double
erlang_nonneg(FunctionCallInfo fcinfo, int argno, const char *param)
{
	double		v = erlang_arg(fcinfo, argno, param);

	if (!(v >= 0) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number >= 0, got %s",
						param, float8out_internal(v))));
	return v;
}

/* Offered load from arguments 0..2 (calls, interval_s, aht_s). */
static double
erlang_load(FunctionCallInfo fcinfo)
{
	double		calls = erlang_nonneg(fcinfo, 0, "calls");
	double		interval_s = erlang_arg(fcinfo, 1, "interval_s");
	double		aht_s = erlang_nonneg(fcinfo, 2, "aht_s");
	double		a;

	if (!(interval_s > 0) || isinf(interval_s))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("interval_s must be a finite number of seconds > 0, got %s",
						float8out_internal(interval_s))));
	a = calls * aht_s / interval_s;
	if (isinf(a))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("offered load calls * aht_s / interval_s is out of range"),
				 errdetail("calls = %s, aht_s = %s, interval_s = %s",
						   float8out_internal(calls), float8out_internal(aht_s),
						   float8out_internal(interval_s))));
	return a;
}

static int32
erlang_agents_arg(FunctionCallInfo fcinfo, int argno)
{
	int32		n;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("agents must not be NULL")));
	n = PG_GETARG_INT32(argno);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("agents must be >= 0, got %d", n)));
	return n;
}

/* One step of the Erlang B recursion: B(k) from B(k-1). */
static inline double
erlang_b_step(double a, double b, int64 k)
{
	double		ab = a * b;

	return ab / ((double) k + ab);
}

/* Erlang C from B(n); only for n > a. */
static inline double
erlang_c_from_b(double a, double b, int64 n)
{
	double		c = (double) n * b / ((double) n - a * (1.0 - b));

	return c > 1.0 ? 1.0 : c;
}

/* P(wait) for n agents, offered load a. */
static double
erlang_c_pwait(double a, int32 n)
{
	double		b = 1.0;

	if ((double) n <= a)
		return 1.0;
	for (int64 k = 1; k <= n; k++)
	{
		b = erlang_b_step(a, b, k);
		if (b == 0.0)
			break;				/* underflowed: stays 0 */
		if ((k & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return erlang_c_from_b(a, b, n);
}

static double
erlang_sl(double a, double aht_s, int64 n, double pwait, double threshold_s)
{
	if ((double) n <= a)
		return 0.0;
	if (pwait == 0.0)
		return 1.0;				/* also avoids 0 * exp(-inf) when aht_s = 0 */
	return 1.0 - pwait * exp(-((double) n - a) * threshold_s / aht_s);
}

PG_FUNCTION_INFO_V1(ccr_erlang_c);
Datum
ccr_erlang_c(PG_FUNCTION_ARGS)
{
	double		a = erlang_load(fcinfo);
	int32		n = erlang_agents_arg(fcinfo, 3);

	PG_RETURN_FLOAT8(erlang_c_pwait(a, n));
}

PG_FUNCTION_INFO_V1(ccr_erlang_c_service_level);
Datum
ccr_erlang_c_service_level(PG_FUNCTION_ARGS)
{
	double		a = erlang_load(fcinfo);
	int32		n = erlang_agents_arg(fcinfo, 3);
	double		threshold_s = erlang_nonneg(fcinfo, 4, "threshold_s");

	PG_RETURN_FLOAT8(erlang_sl(a, PG_GETARG_FLOAT8(2), n, erlang_c_pwait(a, n), threshold_s));
}

PG_FUNCTION_INFO_V1(ccr_erlang_c_asa);
Datum
ccr_erlang_c_asa(PG_FUNCTION_ARGS)
{
	double		a = erlang_load(fcinfo);
	double		aht_s = PG_GETARG_FLOAT8(2);
	int32		n = erlang_agents_arg(fcinfo, 3);
	double		pwait;

	if ((double) n <= a)
		PG_RETURN_FLOAT8(get_float8_infinity());
	pwait = erlang_c_pwait(a, n);
	PG_RETURN_FLOAT8(pwait * aht_s / ((double) n - a));
}

/*
 * erlang_c_agents(calls, interval_s, aht_s, target_sl, threshold_s,
 *				   max_occupancy, shrinkage)
 *
 * The fewest agents n > A with service level >= target_sl and A / n <=
 * max_occupancy, then n / (1 - shrinkage) rounded up.  Service level and
 * occupancy both improve with n, so the search walks up from floor(A) + 1,
 * carrying the Erlang B recursion along (O(n) in all).
 */
PG_FUNCTION_INFO_V1(ccr_erlang_c_agents);
Datum
ccr_erlang_c_agents(PG_FUNCTION_ARGS)
{
	double		a = erlang_load(fcinfo);
	double		aht_s = PG_GETARG_FLOAT8(2);
	double		target = erlang_arg(fcinfo, 3, "target_sl");
	double		threshold_s = erlang_nonneg(fcinfo, 4, "threshold_s");
	double		max_occ = erlang_arg(fcinfo, 5, "max_occupancy");
	double		shrinkage = erlang_arg(fcinfo, 6, "shrinkage");
	double		b = 1.0;
	double		start = floor(a) + 1.0;
	double		scheduled,
				whole;
	int64		n;

	if (!(target > 0 && target < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target_sl must be a fraction strictly between 0 and 1, got %s",
						float8out_internal(target)),
				 errhint("80 %% is 0.8.")));
	if (!(max_occ > 0 && max_occ <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_occupancy must be in (0, 1], got %s",
						float8out_internal(max_occ))));
	if (!(shrinkage >= 0 && shrinkage < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shrinkage must be in [0, 1), got %s",
						float8out_internal(shrinkage))));
	if (start > (double) PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("an offered load of %s Erlangs needs more agents than an integer holds",
						float8out_internal(a))));

	/* B(floor(A)) without the checks of the main loop */
	for (n = 1; n < (int64) start; n++)
	{
		b = erlang_b_step(a, b, n);
		if ((n & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (n = (int64) start;; n++)
	{
		double		pwait;

		if (n > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("no agent count up to %d reaches service level %s within %s s at an offered load of %s Erlangs",
							PG_INT32_MAX, float8out_internal(target),
							float8out_internal(threshold_s), float8out_internal(a))));
		if ((n & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		b = erlang_b_step(a, b, n);
		pwait = erlang_c_from_b(a, b, n);
		if (erlang_sl(a, aht_s, n, pwait, threshold_s) >= target &&
			a / (double) n <= max_occ * (1.0 + ERLANG_REL_EPS))
			break;
	}

	/*
	 * Scheduled agents.  n / (1 - shrinkage) is rounded up, but a quotient
	 * within 1e-9 (relative) of a whole number is that number: 14 agents at
	 * 30 % shrinkage is 20, not the 21 that 0.7's binary rounding would give.
	 */
	scheduled = (double) n / (1.0 - shrinkage);
	whole = rint(scheduled);
	if (fabs(scheduled - whole) <= ERLANG_REL_EPS * scheduled)
		scheduled = whole;
	else
		scheduled = ceil(scheduled);
	if (scheduled > (double) PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%lld agents at shrinkage %s is more agents than an integer holds",
						(long long) n, float8out_internal(shrinkage))));
	PG_RETURN_INT32((int32) scheduled);
}
