/*
 * aht.c
 *		Handle time: talk + hold + after-call work per handled contact.
 *
 * A contact counts when talk is not NULL; NULL hold or after-call work count
 * as 0.  The three components are summed separately in microseconds so the
 * summary can also answer average talk, hold and wrap-up time.
 */
#include "ccr_metrics.h"

#include "common/int.h"

typedef struct AhtSummary
{
	CcrSummaryHeader hdr;
	int64		handled;
	int64		talk_us;
	int64		hold_us;
	int64		acw_us;
} AhtSummary;

static const CcrField aht_fields[] = {
	{"handled", CCR_FIELD_COUNT, NULL},
	{"talk_us", CCR_FIELD_COUNT, NULL},
	{"hold_us", CCR_FIELD_COUNT, NULL},
	{"acw_us", CCR_FIELD_COUNT, NULL},
};

static const char *
aht_check(const CcrSummaryHeader *h)
{
	const AhtSummary *s = (const AhtSummary *) h;

	int64		sum;

	if (s->handled == 0 && (s->talk_us | s->hold_us | s->acw_us) != 0)
		return "handle time is not 0 with no handled contacts";
	/* aht() adds the three: their sum must fit (found by fuzzing) */
	if (pg_add_s64_overflow(s->talk_us, s->hold_us, &sum) ||
		pg_add_s64_overflow(sum, s->acw_us, &sum))
		return "sum of handle time is out of range";
	return NULL;
}

static const CcrFamily aht_family = {
	"ccr.aht_summary", CCR_FAMILY_AHT, lengthof(aht_fields), aht_fields, aht_check
};

StaticAssertDecl(sizeof(AhtSummary) == sizeof(CcrSummaryHeader) + lengthof(aht_fields) * sizeof(int64),
				 "AhtSummary must mirror aht_fields");

CCR_SUMMARY_SQL_FUNCS(ccr_aht_summary, aht_family)

static inline int64
component_usec(FunctionCallInfo fcinfo, int argno, bool is_interval, const char *what)
{
	if (PG_ARGISNULL(argno))
		return 0;
	return ccr_seconds_to_usec(ccr_arg_seconds(fcinfo, argno, is_interval), what);
}

/* aht_trans(state, talk, hold, after_call_work), sign +1 add / -1 remove */
static inline Datum
aht_step(FunctionCallInfo fcinfo, bool is_interval, int sign)
{
	AhtSummary *s;
	int64		talk,
				hold,
				acw;

	CCR_SKIP_NULL_ROW(PG_ARGISNULL(1), &aht_family);
	talk = component_usec(fcinfo, 1, is_interval, "talk");
	hold = component_usec(fcinfo, 2, is_interval, "hold");
	acw = component_usec(fcinfo, 3, is_interval, "after_call_work");

	s = (AhtSummary *) ccr_trans_state(fcinfo, &aht_family, "ccr.aht_trans", sign);
	s->handled += sign;
	ccr_add_count(&s->talk_us, sign * talk, "sum of talk time");
	ccr_add_count(&s->hold_us, sign * hold, "sum of hold time");
	ccr_add_count(&s->acw_us, sign * acw, "sum of after-call work");
	PG_RETURN_POINTER(s);
}

CCR_FORWARD(ccr_aht_trans, aht_step(fcinfo, false, 1))
CCR_FORWARD(ccr_aht_inv, aht_step(fcinfo, false, -1))
CCR_FORWARD(ccr_aht_trans_iv, aht_step(fcinfo, true, 1))
CCR_FORWARD(ccr_aht_inv_iv, aht_step(fcinfo, true, -1))

static Datum
aht_mean(FunctionCallInfo fcinfo, const AhtSummary *s, int64 sum_us)
{
	return ccr_ratio_or_null(fcinfo, (double) sum_us / CCR_USEC_PER_SEC, (double) s->handled);
}

CCR_SUMMARY_ACCESSOR(ccr_aht_aht, AhtSummary, aht_family,
					 aht_mean(fcinfo, s, s->talk_us + s->hold_us + s->acw_us))
CCR_SUMMARY_ACCESSOR(ccr_aht_avg_talk, AhtSummary, aht_family, aht_mean(fcinfo, s, s->talk_us))
CCR_SUMMARY_ACCESSOR(ccr_aht_avg_hold, AhtSummary, aht_family, aht_mean(fcinfo, s, s->hold_us))
CCR_SUMMARY_ACCESSOR(ccr_aht_avg_acw, AhtSummary, aht_family, aht_mean(fcinfo, s, s->acw_us))
CCR_SUMMARY_ACCESSOR(ccr_aht_handled, AhtSummary, aht_family, Int64GetDatum(s->handled))
