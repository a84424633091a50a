/*
 * rate.c
 *		Boolean rates: FCR flags, resolution, reopen, abandon flags.
 *
 * Summary: hits and total.  One transition function serves fcr_rate,
 * resolution_rate, reopen_rate(boolean), abandon_rate(boolean) and
 * rate_agg; reopen_rate(integer) maps its count to a flag first.
 */
#include "ccr_metrics.h"

typedef struct RateSummary
{
	CcrSummaryHeader hdr;
	int64		hits;
	int64		total;
} RateSummary;

static const CcrField rate_fields[] = {
	{"hits", CCR_FIELD_COUNT, NULL},
	{"total", CCR_FIELD_COUNT, NULL},
};

static const char *
rate_check(const CcrSummaryHeader *h)
{
	const RateSummary *s = (const RateSummary *) h;

	return s->hits > s->total ? "hits exceed total" : NULL;
}

static const CcrFamily rate_family = {
	"ccr.rate_summary", CCR_FAMILY_RATE, lengthof(rate_fields), rate_fields, rate_check
};

StaticAssertDecl(sizeof(RateSummary) == sizeof(CcrSummaryHeader) + lengthof(rate_fields) * sizeof(int64),
				 "RateSummary must mirror rate_fields");

CCR_SUMMARY_SQL_FUNCS(ccr_rate_summary, rate_family)

static inline Datum
rate_step(FunctionCallInfo fcinfo, bool hit, int sign)
{
	RateSummary *s = (RateSummary *) ccr_trans_state(fcinfo, &rate_family, "ccr.rate_trans", sign);

	s->hits += sign * (int64) hit;
	s->total += sign;
	PG_RETURN_POINTER(s);
}

/* rate_trans(state, flag boolean) */
PG_FUNCTION_INFO_V1(ccr_rate_trans);
Datum
ccr_rate_trans(PG_FUNCTION_ARGS)
{
	CCR_SKIP_NULL_ROW(PG_ARGISNULL(1), &rate_family);
	return rate_step(fcinfo, PG_GETARG_BOOL(1), 1);
}

/* rate_inv(state, flag boolean): inverse for moving windows */
PG_FUNCTION_INFO_V1(ccr_rate_inv);
Datum
ccr_rate_inv(PG_FUNCTION_ARGS)
{
	CCR_SKIP_NULL_ROW(PG_ARGISNULL(1), &rate_family);
	return rate_step(fcinfo, PG_GETARG_BOOL(1), -1);
}

static inline bool
reopen_flag(FunctionCallInfo fcinfo)
{
	int32		n = PG_GETARG_INT32(1);

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reopen_count must be >= 0, got %d", n)));
	return n > 0;
}

/* rate_trans(state, reopen_count integer): reopened at least once */
PG_FUNCTION_INFO_V1(ccr_rate_trans_count);
Datum
ccr_rate_trans_count(PG_FUNCTION_ARGS)
{
	CCR_SKIP_NULL_ROW(PG_ARGISNULL(1), &rate_family);
	return rate_step(fcinfo, reopen_flag(fcinfo), 1);
}

PG_FUNCTION_INFO_V1(ccr_rate_inv_count);
Datum
ccr_rate_inv_count(PG_FUNCTION_ARGS)
{
	CCR_SKIP_NULL_ROW(PG_ARGISNULL(1), &rate_family);
	return rate_step(fcinfo, reopen_flag(fcinfo), -1);
}

/* ---------- accessors ---------- */

CCR_SUMMARY_ACCESSOR(ccr_rate_rate, RateSummary, rate_family,
					 ccr_ratio_or_null(fcinfo, (double) s->hits, (double) s->total))
CCR_SUMMARY_ACCESSOR(ccr_rate_hits, RateSummary, rate_family, Int64GetDatum(s->hits))
CCR_SUMMARY_ACCESSOR(ccr_rate_total, RateSummary, rate_family, Int64GetDatum(s->total))
