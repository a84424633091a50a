/*
 * survey.c
 *		Survey scores: CSAT (top-2-box) and NPS.
 *
 * Each row is validated against its own scale, so a table mixing 5- and
 * 10-point CSAT surveys is summarized correctly: the summary keeps only
 * responses and satisfied (score >= scale - 1) counts.
 */
#include "ccr_metrics.h"

typedef struct CsatSummary
{
	CcrSummaryHeader hdr;
	int64		responses;
	int64		satisfied;
} CsatSummary;

static const CcrField csat_fields[] = {
	{"responses", CCR_FIELD_COUNT, NULL},
	{"satisfied", CCR_FIELD_COUNT, NULL},
};

static const char *
csat_check(const CcrSummaryHeader *h)
{
	const CsatSummary *s = (const CsatSummary *) h;

	return s->satisfied > s->responses ? "satisfied exceeds responses" : NULL;
}

static const CcrFamily csat_family = {
	"ccr.csat_summary", CCR_FAMILY_CSAT, lengthof(csat_fields), csat_fields, csat_check
};

StaticAssertDecl(sizeof(CsatSummary) == sizeof(CcrSummaryHeader) + lengthof(csat_fields) * sizeof(int64),
				 "CsatSummary must mirror csat_fields");

CCR_SUMMARY_SQL_FUNCS(ccr_csat_summary, csat_family)

typedef struct NpsSummary
{
	CcrSummaryHeader hdr;
	int64		responses;
	int64		promoters;
	int64		detractors;
} NpsSummary;

static const CcrField nps_fields[] = {
	{"responses", CCR_FIELD_COUNT, NULL},
	{"promoters", CCR_FIELD_COUNT, NULL},
	{"detractors", CCR_FIELD_COUNT, NULL},
};

static const char *
nps_check(const CcrSummaryHeader *h)
{
	const NpsSummary *s = (const NpsSummary *) h;

	return s->promoters > s->responses - s->detractors ? "promoters and detractors exceed responses" : NULL;
}

static const CcrFamily nps_family = {
	"ccr.nps_summary", CCR_FAMILY_NPS, lengthof(nps_fields), nps_fields, nps_check
};

StaticAssertDecl(sizeof(NpsSummary) == sizeof(CcrSummaryHeader) + lengthof(nps_fields) * sizeof(int64),
				 "NpsSummary must mirror nps_fields");

CCR_SUMMARY_SQL_FUNCS(ccr_nps_summary, nps_family)

/* csat_trans(state, score, scale), sign +1 add / -1 remove */
static inline Datum
csat_step(FunctionCallInfo fcinfo, int sign)
{
	CsatSummary *s;
	int32		score,
				scale;

	CCR_SKIP_NULL_ROW(PG_ARGISNULL(1), &csat_family);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scale must not be NULL for a CSAT score")));
	score = PG_GETARG_INT32(1);
	scale = PG_GETARG_INT32(2);
	if (scale < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("CSAT scale must be >= 2, got %d", scale)));
	if (score < 1 || score > scale)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("CSAT score %d is outside 1..%d", score, scale)));

	s = (CsatSummary *) ccr_trans_state(fcinfo, &csat_family, "ccr.csat_trans", sign);
	s->responses += sign;
	s->satisfied += sign * (int64) (score >= scale - 1);
	PG_RETURN_POINTER(s);
}

CCR_FORWARD(ccr_csat_trans, csat_step(fcinfo, 1))
CCR_FORWARD(ccr_csat_inv, csat_step(fcinfo, -1))

/* nps_trans(state, score), sign +1 add / -1 remove */
static inline Datum
nps_step(FunctionCallInfo fcinfo, int sign)
{
	NpsSummary *s;
	int32		score;

	CCR_SKIP_NULL_ROW(PG_ARGISNULL(1), &nps_family);
	score = PG_GETARG_INT32(1);
	if (score < 0 || score > 10)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("NPS score %d is outside 0..10", score)));

	s = (NpsSummary *) ccr_trans_state(fcinfo, &nps_family, "ccr.nps_trans", sign);
	s->responses += sign;
	s->promoters += sign * (int64) (score >= 9);
	s->detractors += sign * (int64) (score <= 6);
	PG_RETURN_POINTER(s);
}

CCR_FORWARD(ccr_nps_trans, nps_step(fcinfo, 1))
CCR_FORWARD(ccr_nps_inv, nps_step(fcinfo, -1))

/* ---------- accessors ---------- */

CCR_SUMMARY_ACCESSOR(ccr_csat_csat, CsatSummary, csat_family,
					 ccr_ratio_or_null(fcinfo, (double) s->satisfied, (double) s->responses))
CCR_SUMMARY_ACCESSOR(ccr_csat_responses, CsatSummary, csat_family, Int64GetDatum(s->responses))
CCR_SUMMARY_ACCESSOR(ccr_nps_nps, NpsSummary, nps_family,
					 ccr_ratio_or_null(fcinfo, 100.0 * (double) (s->promoters - s->detractors),
									   (double) s->responses))
CCR_SUMMARY_ACCESSOR(ccr_nps_responses, NpsSummary, nps_family, Int64GetDatum(s->responses))
