/*
 * ccr_metrics.h
 *		Shared declarations of the ccr_metrics extension.
 *
 * Every counter-style metric family keeps its summary as a small varlena:
 * a fixed header followed by 8-byte slots (int64 counters, int64 microsecond
 * sums, or float8/enum parameters).  A family is described once by a
 * CcrFamily table; text and binary I/O, validation, combine and subtraction
 * are generic over that table (summary.c), so each family file only holds
 * its transition function and accessors.
 */
/*
 * C names: ccr_<family>_<function>, so the accessor rate() of the rate
 * family is ccr_rate_rate (likewise ccr_ces_ces, ccr_csat_csat), and a suffix
 * _iv marks the interval overload of a function taking seconds as float8
 * (ccr_sl_trans_iv: sl_trans(state, interval, ...)).  These symbols are named
 * by the frozen install scripts of 0.1.0 and 0.2.0, which every fresh
 * install runs and whose CREATE FUNCTION looks the symbol up, so they cannot
 * be renamed without keeping the old name as a second one for ever.
 */
#ifndef CCR_METRICS_H
#define CCR_METRICS_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/timestamp.h"

#include <math.h>

#include "common/int.h"
#include "nodes/nodes.h"

/* Version of the summary formats written by this build. */
#define CCR_SUMMARY_VERSION 1

/* Family tags, stored in every summary so a value of one type pasted into
 * another is rejected. Never renumber: they are on disk. */
typedef enum CcrFamilyTag
{
	CCR_FAMILY_SL = 1,
	CCR_FAMILY_RATE = 2,
	CCR_FAMILY_AHT = 3,
	CCR_FAMILY_CSAT = 4,
	CCR_FAMILY_NPS = 5,
	CCR_FAMILY_CES = 6,
	CCR_FAMILY_QA = 7,
	/* variable-size families: their own layout after the common header */
	CCR_FAMILY_DURATION = 20,
	CCR_FAMILY_BACKLOG = 21,
	CCR_FAMILY_FCR = 32
} CcrFamilyTag;

/*
 * The first 8 bytes of every summary, fixed-slot or variable-size (whose
 * struct starts with a CcrSummaryHeader member).
 */
typedef struct CcrSummaryHeader
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;
	uint8		family;			/* CcrFamilyTag */
	uint16		flags;			/* fixed-slot: reserved, 0; others: their own bits */
} CcrSummaryHeader;				/* 8 bytes: the slots after it are aligned */

typedef enum CcrFieldKind
{
	CCR_FIELD_PARAM_SECONDS,	/* float8 >= 0, finite; must match to combine */
	CCR_FIELD_PARAM_ENUM,		/* int64 code named by enum_names; must match */
	CCR_FIELD_COUNT				/* int64 >= 0, added by combine */
} CcrFieldKind;

typedef struct CcrField
{
	const char *name;
	CcrFieldKind kind;
	const char *const *enum_names;	/* NULL-terminated, for PARAM_ENUM */
} CcrField;

typedef struct CcrFamily
{
	const char *type_name;		/* as users see it, for messages */
	CcrFamilyTag tag;
	int			nfields;
	const CcrField *fields;
	/* family rules beyond the per-field ones (sub-counts <= counts, ...);
	 * returns a description of the violation or NULL */
	const char *(*check) (const CcrSummaryHeader *s);
} CcrFamily;

/* Slots follow the header; every family struct mirrors its field table. */
#define CCR_SLOTS(s) ((int64 *) (((char *) (s)) + sizeof(CcrSummaryHeader)))
#define CCR_SUMMARY_SIZE(fam) (sizeof(CcrSummaryHeader) + (fam)->nfields * sizeof(int64))

/* summary.c */
extern CcrSummaryHeader *ccr_summary_alloc(const CcrFamily *fam, MemoryContext cxt);
extern CcrSummaryHeader *ccr_summary_check(const CcrFamily *fam, Datum d);
extern Datum ccr_summary_in(const CcrFamily *fam, const char *str);
extern char *ccr_summary_out(const CcrFamily *fam, Datum d);
extern Datum ccr_summary_recv(const CcrFamily *fam, StringInfo buf);
extern bytea *ccr_summary_send(const CcrFamily *fam, Datum d);
extern Datum ccr_summary_merge(const CcrFamily *fam, FunctionCallInfo fcinfo, bool subtract);
extern Datum ccr_empty_state(FunctionCallInfo fcinfo, const CcrFamily *fam);
extern void ccr_param_mismatch(const CcrFamily *fam, const char *param) pg_attribute_noreturn();

/*
 * Shared by every family, fixed-slot or variable-size (summary.c).  A
 * variable-size family sets its header with ccr_summary_init, checks it with
 * ccr_header_validate and reports its own rules with ccr_summary_invalid
 * (22023) and a bad binary value with ccr_binary_invalid (22P03).
 */
extern void ccr_summary_init(CcrSummaryHeader *h, Size size, CcrFamilyTag tag, uint16 flags);
extern void ccr_header_validate(const char *type_name, CcrFamilyTag tag, const CcrSummaryHeader *h,
								Size size, Size min_size, uint16 allowed_flags);
extern void ccr_summary_invalid(const char *type_name, const char *detail) pg_attribute_noreturn();
extern void ccr_binary_invalid(const char *type_name, const char *detail) pg_attribute_noreturn();

/*
 * The tokenizer of the text forms: "v=1 key=value key=value ...", keys in a
 * fixed order, separated by spaces, tabs or newlines.  Every function
 * ereports with the type name and the whole input (22P02, 22003 for an
 * integer out of range) instead of returning an error.  Typical use:
 *
 *		CcrScan		sc;
 *
 *		ccr_scan_begin(&sc, "ccr.x_summary", str);	-- reads and checks v=
 *		s->count = ccr_scan_key_int64(&sc, "count");	-- "count=<integer>"
 *		ccr_scan_key(&sc, "buckets");				-- a list: the pieces
 *		... ccr_scan_int64(&sc, "index"); ccr_scan_expect(&sc, ':', "...");
 *		...
 *		ccr_scan_finish(&sc);						-- nothing but spaces left
 */
typedef struct CcrScan
{
	const char *type_name;
	const char *str;			/* the whole input, for messages */
	const char *p;				/* the next character to read */
} CcrScan;

static inline bool
ccr_scan_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

extern void ccr_scan_begin(CcrScan *sc, const char *type_name, const char *str);
extern void ccr_scan_error(const CcrScan *sc, const char *detail) pg_attribute_noreturn();
extern void ccr_scan_key(CcrScan *sc, const char *key);
extern int64 ccr_scan_int64(CcrScan *sc, const char *what);
extern int64 ccr_scan_key_int64(CcrScan *sc, const char *key);
extern double ccr_scan_float8(CcrScan *sc, const char *what);
extern char *ccr_scan_word(CcrScan *sc, const char *what);
extern void ccr_scan_expect(CcrScan *sc, char c, const char *detail);
extern void ccr_scan_value_end(CcrScan *sc, const char *what);
extern void ccr_scan_finish(CcrScan *sc);

/*
 * The SQL-callable I/O, combine ("rollup") and subtract ("rollup" inverse in
 * moving windows) functions of one family.
 */
#define CCR_SUMMARY_SQL_FUNCS(prefix, fam) \
PG_FUNCTION_INFO_V1(prefix##_in); \
Datum prefix##_in(PG_FUNCTION_ARGS) \
{ return ccr_summary_in(&(fam), PG_GETARG_CSTRING(0)); } \
PG_FUNCTION_INFO_V1(prefix##_out); \
Datum prefix##_out(PG_FUNCTION_ARGS) \
{ PG_RETURN_CSTRING(ccr_summary_out(&(fam), PG_GETARG_DATUM(0))); } \
PG_FUNCTION_INFO_V1(prefix##_recv); \
Datum prefix##_recv(PG_FUNCTION_ARGS) \
{ return ccr_summary_recv(&(fam), (StringInfo) PG_GETARG_POINTER(0)); } \
PG_FUNCTION_INFO_V1(prefix##_send); \
Datum prefix##_send(PG_FUNCTION_ARGS) \
{ PG_RETURN_BYTEA_P(ccr_summary_send(&(fam), PG_GETARG_DATUM(0))); } \
PG_FUNCTION_INFO_V1(prefix##_combine); \
Datum prefix##_combine(PG_FUNCTION_ARGS) \
{ return ccr_summary_merge(&(fam), fcinfo, false); } \
PG_FUNCTION_INFO_V1(prefix##_subtract); \
Datum prefix##_subtract(PG_FUNCTION_ARGS) \
{ return ccr_summary_merge(&(fam), fcinfo, true); }

/*
 * A SQL-callable function that only forwards to a shared step function
 * (transition and inverse, float8 and interval overloads):
 * CCR_FORWARD(ccr_ces_inv, ces_step(fcinfo, -1)).
 */
#define CCR_FORWARD(fn, call) \
PG_FUNCTION_INFO_V1(fn); \
Datum fn(PG_FUNCTION_ARGS) \
{ return (call); }

/*
 * Accessors of a fixed-slot family: CCR_SUMMARY_ACCESSOR(fn, Type, fam,
 * result) defines the SQL-callable fn(summary), where result is an
 * expression over the validated summary s (a const Type *), e.g.
 * Int64GetDatum(s->total) or a ratio from ccr_ratio_or_null.
 */
#define CCR_SUMMARY_ACCESSOR(fn, Type, fam, result) \
PG_FUNCTION_INFO_V1(fn); \
Datum fn(PG_FUNCTION_ARGS) \
{ \
	const Type *s = (const Type *) ccr_summary_check(&(fam), PG_GETARG_DATUM(0)); \
	return (result); \
}

/* num / den, or NULL when den is 0 (no responses, nothing offered) */
static inline Datum
ccr_ratio_or_null(FunctionCallInfo fcinfo, double num, double den)
{
	if (!(den > 0))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(num / den);
}

/* units.c: converting user durations (hot checks inline, errors out of line) */
#define CCR_USEC_PER_SEC 1000000.0
extern double ccr_interval_seconds(const Interval *iv);
extern void ccr_bad_duration(double seconds, const char *what) pg_attribute_noreturn();
extern void ccr_bad_param_seconds(FunctionCallInfo fcinfo, int argno, double v,
								  const char *param) pg_attribute_noreturn();
extern void ccr_count_overflow(const char *what) pg_attribute_noreturn();

static inline double
ccr_arg_seconds(FunctionCallInfo fcinfo, int argno, bool is_interval)
{
	if (is_interval)
		return ccr_interval_seconds(PG_GETARG_INTERVAL_P(argno));
	return PG_GETARG_FLOAT8(argno);
}

/* A duration in the data: finite and >= 0, else SQLSTATE 22003 naming it. */
static inline void
ccr_check_duration(double seconds, const char *what)
{
	if (unlikely(!(seconds >= 0 && seconds < 9.2e12)))
		ccr_bad_duration(seconds, what);
}

/* Rounded to the microsecond; values here are >= 0, so +0.5 rounds half up. */
static inline int64
ccr_seconds_to_usec(double seconds, const char *what)
{
	ccr_check_duration(seconds, what);
	return (int64) (seconds * CCR_USEC_PER_SEC + 0.5);
}

/*
 * A duration parameter (threshold, short-abandon bound): NULL, negative,
 * NaN or infinite raise SQLSTATE 22023 naming the parameter.
 */
static inline double
ccr_param_seconds(FunctionCallInfo fcinfo, int argno, bool is_interval, const char *param)
{
	double		v;

	if (unlikely(PG_ARGISNULL(argno)))
		ccr_bad_param_seconds(fcinfo, argno, 0, param);
	v = ccr_arg_seconds(fcinfo, argno, is_interval);
	if (unlikely(!(v >= 0) || isinf(v)))
		ccr_bad_param_seconds(fcinfo, argno, v, param);
	/* -0 becomes +0: a summary built with -0 must merge with one built with 0 */
	return v + 0.0;
}

static inline void
ccr_add_count(int64 *slot, int64 delta, const char *what)
{
	if (unlikely(pg_add_s64_overflow(*slot, delta, slot)))
		ccr_count_overflow(what);
}

/*
 * Transition functions update their state in place, which is only safe
 * when the executor owns it: called directly on a value read from a table
 * they would write into a shared buffer.  ccr_require_agg is
 * AggCheckCallContext's test, inline because it runs for every row;
 * ccr_agg_context also returns the memory context for a new state.
 */
extern MemoryContext ccr_agg_context(FunctionCallInfo fcinfo, const char *fname);

static inline void
ccr_require_agg(FunctionCallInfo fcinfo, const char *fname)
{
	if (unlikely(!(fcinfo->context &&
				   (IsA(fcinfo->context, AggState) || IsA(fcinfo->context, WindowAggState)))))
		(void) ccr_agg_context(fcinfo, fname);
}

/*
 * The state a transition updates: the current one (once the executor is
 * known to own it), or a new empty summary in the aggregate context.
 * sign < 0 is a moving-window inverse, which never starts a state.
 */
static inline CcrSummaryHeader *
ccr_trans_state(FunctionCallInfo fcinfo, const CcrFamily *fam, const char *fname, int sign)
{
	if (unlikely(PG_ARGISNULL(0)))
	{
		/* reachable from SQL: a user-defined aggregate can use the inverse */
		if (sign < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: inverse transition on an empty state", fname),
					 errhint("The inverse only removes rows its moving aggregate added.")));
		return ccr_summary_alloc(fam, ccr_agg_context(fcinfo, fname));
	}
	ccr_require_agg(fcinfo, fname);
	return (CcrSummaryHeader *) PG_GETARG_POINTER(0);
}

/*
 * A row whose data is NULL is skipped: the state passes through unchanged.
 * Before the first row, outside window frames, the state stays NULL so that
 * all-NULL input gives NULL; in a window, where a moving-aggregate forward
 * transition may never return NULL, an empty summary is created instead.
 */
#define CCR_SKIP_NULL_ROW(cond, fam) \
	do { \
		if (cond) \
		{ \
			if (!PG_ARGISNULL(0)) \
				PG_RETURN_DATUM(PG_GETARG_DATUM(0)); \
			return ccr_empty_state(fcinfo, (fam)); \
		} \
	} while (0)


/* module load (src/module.c): each family declares its settings */
extern void ccr_fcr_define_settings(void);

#endif							/* CCR_METRICS_H */
