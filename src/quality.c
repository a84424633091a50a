/*
 * quality.c
 *		Quality scores: CES (customer effort score) and QA evaluations.
 *
 * CES keeps the number of responses and the exact integer sum of scores, so
 * the mean is the same whichever way the summary was built.  Each score is
 * validated against its own scale (1..scale), like CSAT.
 *
 * QA keeps the number of evaluations, the number that were auto-failed and
 * the sums of points earned and possible as int64 millionths of a point
 * (each value rounded half-to-even to 0.000001 point on the way in).
 * Integer addition is associative, so serial, parallel and rolled-up results
 * are bit-for-bit identical.  An auto-failed evaluation counts 0 earned; its
 * possible points still count.
 */
#include "ccr_metrics.h"

#include <math.h>

#include "utils/float.h"

/* ---------- CES ---------- */

typedef struct CesSummary
{
	CcrSummaryHeader hdr;
	int64		responses;
	int64		score_sum;
} CesSummary;

static const CcrField ces_fields[] = {
	{"responses", CCR_FIELD_COUNT, NULL},
	{"score_sum", CCR_FIELD_COUNT, NULL},
};

static const char *
ces_check(const CcrSummaryHeader *h)
{
	const CesSummary *s = (const CesSummary *) h;

	/* every score is >= 1 */
	return s->score_sum < s->responses ? "score_sum is below responses (scores are >= 1)" : NULL;
}

static const CcrFamily ces_family = {
	"ccr.ces_summary", CCR_FAMILY_CES, lengthof(ces_fields), ces_fields, ces_check
};

StaticAssertDecl(sizeof(CesSummary) == sizeof(CcrSummaryHeader) + lengthof(ces_fields) * sizeof(int64),
				 "CesSummary must mirror ces_fields");

CCR_SUMMARY_SQL_FUNCS(ccr_ces_summary, ces_family)

/* ces_trans(state, score, scale), sign +1 add / -1 remove */
static inline Datum
ces_step(FunctionCallInfo fcinfo, int sign)
{
	CesSummary *s;
	int32		score,
				scale;

	CCR_SKIP_NULL_ROW(PG_ARGISNULL(1), &ces_family);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scale must not be NULL for a CES score")));
	score = PG_GETARG_INT32(1);
	scale = PG_GETARG_INT32(2);
	if (scale < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("CES scale must be >= 2, got %d", scale)));
	if (score < 1 || score > scale)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("CES score %d is outside 1..%d", score, scale)));

	s = (CesSummary *) ccr_trans_state(fcinfo, &ces_family,
								sign > 0 ? "ccr.ces_trans" : "ccr.ces_inv", sign);
	ccr_add_count(&s->responses, sign, "CES responses");
	ccr_add_count(&s->score_sum, sign * (int64) score, "sum of CES scores");
	PG_RETURN_POINTER(s);
}

CCR_FORWARD(ccr_ces_trans, ces_step(fcinfo, 1))
CCR_FORWARD(ccr_ces_inv, ces_step(fcinfo, -1))

CCR_SUMMARY_ACCESSOR(ccr_ces_ces, CesSummary, ces_family,
					 ccr_ratio_or_null(fcinfo, (double) s->score_sum, (double) s->responses))
CCR_SUMMARY_ACCESSOR(ccr_ces_responses, CesSummary, ces_family, Int64GetDatum(s->responses))

/* ---------- QA evaluations ---------- */

typedef struct QaSummary
{
	CcrSummaryHeader hdr;
	int64		evaluations;
	int64		auto_failed;
	int64		earned_micro;	/* millionths of a point, auto-fails count 0 */
	int64		possible_micro; /* millionths of a point */
} QaSummary;

static const CcrField qa_fields[] = {
	{"evaluations", CCR_FIELD_COUNT, NULL},
	{"auto_failed", CCR_FIELD_COUNT, NULL},
	{"earned_micro", CCR_FIELD_COUNT, NULL},
	{"possible_micro", CCR_FIELD_COUNT, NULL},
};

static const char *
qa_check(const CcrSummaryHeader *h)
{
	const QaSummary *s = (const QaSummary *) h;

	if (s->auto_failed > s->evaluations)
		return "auto_failed exceeds evaluations";
	if (s->earned_micro > s->possible_micro)
		return "earned_micro exceeds possible_micro";
	/* every evaluation has at least one millionth of a point possible */
	if (s->possible_micro < s->evaluations)
		return "possible_micro is below evaluations";
	if (s->evaluations == 0 && s->possible_micro != 0)
		return "points are not 0 with no evaluations";
	return NULL;
}

static const CcrFamily qa_family = {
	"ccr.qa_summary", CCR_FAMILY_QA, lengthof(qa_fields), qa_fields, qa_check
};

StaticAssertDecl(sizeof(QaSummary) == sizeof(CcrSummaryHeader) + lengthof(qa_fields) * sizeof(int64),
				 "QaSummary must mirror qa_fields");

CCR_SUMMARY_SQL_FUNCS(ccr_qa_summary, qa_family)

#define QA_MICRO 1000000.0

/* Points to int64 millionths, half-to-even; beyond ~9.2e12 points is 22003. */
static int64
qa_points_micro(double points, const char *what)
{
	double		m = rint(points * QA_MICRO);

	if (unlikely(m >= 9.2e18))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("QA %s of %s points is out of range", what, float8out_internal(points))));
	return (int64) m;
}

/*
 * qa_trans(state, earned, possible, auto_fail), sign +1 add / -1 remove.
 *
 * A row counts when possible is not NULL and either earned is not NULL or
 * the evaluation is auto-failed (its earned points do not matter then).
 * A NULL auto_fail means false.
 */
static inline Datum
qa_step(FunctionCallInfo fcinfo, int sign)
{
	QaSummary  *s;
	bool		auto_fail = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
	double		earned = PG_ARGISNULL(1) ? 0.0 : PG_GETARG_FLOAT8(1);
	double		possible;
	int64		earned_m,
				possible_m;

	CCR_SKIP_NULL_ROW(PG_ARGISNULL(2) || (PG_ARGISNULL(1) && !auto_fail), &qa_family);
	possible = PG_GETARG_FLOAT8(2);
	if (!(possible > 0) || isinf(possible))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("QA possible points must be a finite number > 0, got %s",
						float8out_internal(possible))));
	if (!(earned >= 0) || !(earned <= possible))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("QA earned points %s are outside 0..%s (possible)",
						float8out_internal(earned), float8out_internal(possible))));
	possible_m = qa_points_micro(possible, "possible");
	if (possible_m < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("QA possible points %s are below the resolution of 0.000001 point",
						float8out_internal(possible))));
	earned_m = auto_fail ? 0 : qa_points_micro(earned, "earned");

	s = (QaSummary *) ccr_trans_state(fcinfo, &qa_family,
								sign > 0 ? "ccr.qa_trans" : "ccr.qa_inv", sign);
	ccr_add_count(&s->evaluations, sign, "QA evaluations");
	ccr_add_count(&s->auto_failed, sign * (int64) auto_fail, "QA auto-failed evaluations");
	ccr_add_count(&s->earned_micro, sign * earned_m, "sum of QA earned points");
	ccr_add_count(&s->possible_micro, sign * possible_m, "sum of QA possible points");
	PG_RETURN_POINTER(s);
}

CCR_FORWARD(ccr_qa_trans, qa_step(fcinfo, 1))
CCR_FORWARD(ccr_qa_inv, qa_step(fcinfo, -1))

/*
 * NULL with no evaluations: qa_check makes possible_micro 0 exactly when
 * evaluations is 0 (and >= evaluations otherwise).
 */
CCR_SUMMARY_ACCESSOR(ccr_qa_qa_score, QaSummary, qa_family,
					 ccr_ratio_or_null(fcinfo, (double) s->earned_micro, (double) s->possible_micro))
CCR_SUMMARY_ACCESSOR(ccr_qa_evaluations, QaSummary, qa_family, Int64GetDatum(s->evaluations))
CCR_SUMMARY_ACCESSOR(ccr_qa_auto_fail_rate, QaSummary, qa_family,
					 ccr_ratio_or_null(fcinfo, (double) s->auto_failed, (double) s->evaluations))
