/*
 * service_level.c
 *		Queue outcomes: service level (four policies), abandon rate, ASA.
 *
 * One summary counts, for a threshold T and short-abandon bound S:
 * A answered, A_T answered within T, B abandoned (wait >= S), B_T abandoned
 * within T, short abandons, and the microsecond sums of answered and
 * abandoned waits.  Every queue KPI is a ratio of these counts, so one
 * transition function serves service_level, abandon_rate(wait, ...), asa
 * and sl_agg; the policy only changes how the counts are read.
 */
#include "ccr_metrics.h"

#include "common/int.h"
#include "utils/builtins.h"

typedef enum SlPolicy
{
	SL_NEGATIVE = 0,
	SL_IGNORE = 1,
	SL_POSITIVE = 2,
	SL_ANSWERED = 3
} SlPolicy;

static const char *const sl_policy_names[] = {"negative", "ignore", "positive", "answered", NULL};

typedef struct SlSummary
{
	CcrSummaryHeader hdr;
	double		threshold;
	double		short_abandon;
	int64		policy;
	int64		answered;
	int64		answered_within;
	int64		abandoned;
	int64		abandoned_within;
	int64		short_abandons;
	int64		answered_wait_us;
	int64		abandoned_wait_us;
} SlSummary;

static const CcrField sl_fields[] = {
	{"threshold", CCR_FIELD_PARAM_SECONDS, NULL},
	{"short_abandon", CCR_FIELD_PARAM_SECONDS, NULL},
	{"policy", CCR_FIELD_PARAM_ENUM, sl_policy_names},
	{"answered", CCR_FIELD_COUNT, NULL},
	{"answered_within", CCR_FIELD_COUNT, NULL},
	{"abandoned", CCR_FIELD_COUNT, NULL},
	{"abandoned_within", CCR_FIELD_COUNT, NULL},
	{"short_abandons", CCR_FIELD_COUNT, NULL},
	{"answered_wait_us", CCR_FIELD_COUNT, NULL},
	{"abandoned_wait_us", CCR_FIELD_COUNT, NULL},
};

static const char *
sl_check(const CcrSummaryHeader *h)
{
	const SlSummary *s = (const SlSummary *) h;
	int64		sum;

	/* the accessors add these counts: their sum must fit (found by fuzzing) */
	if (pg_add_s64_overflow(s->answered, s->abandoned, &sum) ||
		pg_add_s64_overflow(sum, s->short_abandons, &sum))
		return "contact counts are out of range";
	if (s->answered_within > s->answered)
		return "answered_within exceeds answered";
	if (s->abandoned_within > s->abandoned)
		return "abandoned_within exceeds abandoned";
	if (s->answered == 0 && s->answered_wait_us != 0)
		return "answered_wait_us is not 0 with no answered contacts";
	if (s->abandoned == 0 && s->abandoned_wait_us != 0)
		return "abandoned_wait_us is not 0 with no abandoned contacts";
	if (s->short_abandon == 0 && s->short_abandons != 0)
		return "short_abandons counted without a short_abandon bound";
	return NULL;
}

static const CcrFamily sl_family = {
	"ccr.sl_summary", CCR_FAMILY_SL, lengthof(sl_fields), sl_fields, sl_check
};

StaticAssertDecl(sizeof(SlSummary) == sizeof(CcrSummaryHeader) + lengthof(sl_fields) * sizeof(int64),
				 "SlSummary must mirror sl_fields");

CCR_SUMMARY_SQL_FUNCS(ccr_sl_summary, sl_family)

static SlPolicy
sl_policy_from_text(text *t)
{
	char	   *name = text_to_cstring(t);

	for (int i = 0; sl_policy_names[i]; i++)
		if (strcmp(name, sl_policy_names[i]) == 0)
			return (SlPolicy) i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown service level policy \"%s\"", name),
			 errhint("Use negative, ignore, positive or answered.")));
}

/* The policy argument is a constant in practice: parse it once per call site. */
typedef struct SlPolicyCache
{
	Pointer		datum;
	SlPolicy	policy;
} SlPolicyCache;

static SlPolicy
sl_policy_arg(FunctionCallInfo fcinfo, int argno)
{
	SlPolicyCache *cache = (SlPolicyCache *) fcinfo->flinfo->fn_extra;
	Pointer		datum;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("policy must not be NULL"),
				 errhint("Use negative, ignore, positive or answered.")));
	datum = DatumGetPointer(PG_GETARG_DATUM(argno));
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SlPolicyCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->datum != datum)
	{
		cache->policy = sl_policy_from_text(PG_GETARG_TEXT_PP(argno));
		cache->datum = datum;
	}
	return cache->policy;
}

static void
sl_param_changed(const char *param) pg_attribute_noreturn();

static void
sl_param_changed(const char *param)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be the same for every row of the aggregate", param)));
}

/*
 * The shared transition.  Argument layouts, after the state and
 * (wait, answered):
 *   asa:                      nothing (T = 0, S = 0)
 *   service_level / sl_agg:   threshold [, short_abandon]
 *   service_level:            threshold, policy, short_abandon
 *   abandon_rate:             short_abandon (abandon_layout)
 * sign is +1 to add the row, -1 to remove it (moving-window inverse).
 */
static inline Datum
sl_step(FunctionCallInfo fcinfo, bool is_interval, bool abandon_layout, int sign)
{
	int			nargs = PG_NARGS();
	double		threshold = 0;
	double		short_abandon = 0;
	SlPolicy	policy = SL_NEGATIVE;
	double		wait;
	bool		answered;
	SlSummary  *s;
	int64		us;

	/* parameters are checked on every row, NULL data or not */
	if (abandon_layout)
		short_abandon = ccr_param_seconds(fcinfo, 3, is_interval, "short_abandon");
	else if (nargs >= 4)
	{
		threshold = ccr_param_seconds(fcinfo, 3, is_interval, "threshold");
		if (nargs == 5)
			short_abandon = ccr_param_seconds(fcinfo, 4, is_interval, "short_abandon");
		else if (nargs == 6)
		{
			policy = sl_policy_arg(fcinfo, 4);
			short_abandon = ccr_param_seconds(fcinfo, 5, is_interval, "short_abandon");
		}
	}

	/* no state before the first non-NULL row, except in a window frame */
	if (PG_ARGISNULL(0) && (PG_ARGISNULL(1) || PG_ARGISNULL(2)) &&
		AggCheckCallContext(fcinfo, NULL) != AGG_CONTEXT_WINDOW)
		PG_RETURN_NULL();

	s = (SlSummary *) ccr_trans_state(fcinfo, &sl_family, "ccr.sl_trans", sign);
	if (PG_ARGISNULL(0))
	{
		s->threshold = threshold;
		s->short_abandon = short_abandon;
		s->policy = policy;
	}
	else if (unlikely(s->threshold != threshold || s->short_abandon != short_abandon ||
					  s->policy != policy))
		sl_param_changed(s->threshold != threshold ? "threshold" :
						 s->short_abandon != short_abandon ? "short_abandon" : "policy");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);

	wait = ccr_arg_seconds(fcinfo, 1, is_interval);
	answered = PG_GETARG_BOOL(2);
	us = ccr_seconds_to_usec(wait, "wait");

	if (answered)
	{
		s->answered += sign;
		s->answered_within += sign * (int64) (wait <= threshold);
		ccr_add_count(&s->answered_wait_us, sign * us, "sum of answered waits");
	}
	else if (wait < short_abandon)
		s->short_abandons += sign;
	else
	{
		s->abandoned += sign;
		s->abandoned_within += sign * (int64) (wait <= threshold);
		ccr_add_count(&s->abandoned_wait_us, sign * us, "sum of abandoned waits");
	}
	PG_RETURN_POINTER(s);
}

CCR_FORWARD(ccr_sl_trans, sl_step(fcinfo, false, false, 1))
CCR_FORWARD(ccr_sl_inv, sl_step(fcinfo, false, false, -1))
CCR_FORWARD(ccr_sl_trans_iv, sl_step(fcinfo, true, false, 1))
CCR_FORWARD(ccr_sl_inv_iv, sl_step(fcinfo, true, false, -1))
CCR_FORWARD(ccr_sl_abandon_trans, sl_step(fcinfo, false, true, 1))
CCR_FORWARD(ccr_sl_abandon_inv, sl_step(fcinfo, false, true, -1))
CCR_FORWARD(ccr_sl_abandon_trans_iv, sl_step(fcinfo, true, true, 1))
CCR_FORWARD(ccr_sl_abandon_inv_iv, sl_step(fcinfo, true, true, -1))

/* ---------- accessors ---------- */

static inline Datum
sl_ratio(FunctionCallInfo fcinfo, int64 num, int64 den)
{
	return ccr_ratio_or_null(fcinfo, (double) num, (double) den);
}

static Datum
sl_service_level(FunctionCallInfo fcinfo, const SlSummary *s, SlPolicy policy)
{
	switch (policy)
	{
		case SL_NEGATIVE:
			return sl_ratio(fcinfo, s->answered_within, s->answered + s->abandoned);
		case SL_IGNORE:
			return sl_ratio(fcinfo, s->answered_within,
							s->answered + s->abandoned - s->abandoned_within);
		case SL_POSITIVE:
			return sl_ratio(fcinfo, s->answered_within + s->abandoned_within,
							s->answered + s->abandoned);
		case SL_ANSWERED:
			return sl_ratio(fcinfo, s->answered_within, s->answered);
	}
	elog(ERROR, "unknown service level policy code %d", (int) policy);
}

/* service_level(s): with the policy the summary was built for */
CCR_SUMMARY_ACCESSOR(ccr_sl_service_level, SlSummary, sl_family,
					 sl_service_level(fcinfo, s, (SlPolicy) s->policy))
/* service_level(s, policy) */
CCR_SUMMARY_ACCESSOR(ccr_sl_service_level_policy, SlSummary, sl_family,
					 sl_service_level(fcinfo, s, sl_policy_from_text(PG_GETARG_TEXT_PP(1))))

CCR_SUMMARY_ACCESSOR(ccr_sl_abandon_rate, SlSummary, sl_family,
					 sl_ratio(fcinfo, s->abandoned, s->answered + s->abandoned))
CCR_SUMMARY_ACCESSOR(ccr_sl_asa, SlSummary, sl_family,
					 ccr_ratio_or_null(fcinfo, (double) s->answered_wait_us / CCR_USEC_PER_SEC,
									   (double) s->answered))
CCR_SUMMARY_ACCESSOR(ccr_sl_offered, SlSummary, sl_family, Int64GetDatum(s->answered + s->abandoned))
CCR_SUMMARY_ACCESSOR(ccr_sl_answered, SlSummary, sl_family, Int64GetDatum(s->answered))
CCR_SUMMARY_ACCESSOR(ccr_sl_abandoned, SlSummary, sl_family, Int64GetDatum(s->abandoned))
CCR_SUMMARY_ACCESSOR(ccr_sl_short_abandons, SlSummary, sl_family, Int64GetDatum(s->short_abandons))
