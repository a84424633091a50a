/*
 * backlog.c
 *		Backlog over time: ccr.backlog_summary, ccr.backlog_agg, ccr.backlog().
 *
 * The grid is the buckets starting at generate_series(since, until, step)
 * below until.  One pass over the items: each row adds 1 to opened[] of the
 * bucket holding opened_at and to closed[] of the bucket holding closed_at
 * (or to "base" when they fall before since), never touching the buckets in
 * between.  open_at_start is a prefix sum taken by the accessor:
 *
 *	open_at_start(k) = base + sum_{j<k} (opened[j] - closed[j]) + exact[k]
 *
 * The last bucket is [start, start + step) even when that passes until,
 * like every other bucket.
 *
 * where base = items opened before since minus those also closed before
 * since, and exact[k] = items opened exactly at the bucket start minus those
 * closed exactly at it (the definition counts opened_at <= bucket and
 * closed_at > bucket).
 *
 * A step of only hours/minutes/seconds is a uniform grid (a row costs one
 * division).  A step with days or months is computed like generate_series
 * does, by repeated timestamptz + interval in the session time zone (local
 * days of 23 or 25 hours, calendar months); its bucket starts are stored in
 * the summary so reading it never depends on the reader's time zone, and a
 * row costs a binary search.
 */
#include "ccr_metrics.h"

#include <errno.h>

#include "common/int.h"
/* executor headers have unused parameters; the build uses -Wextra -Werror */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "funcapi.h"
#pragma GCC diagnostic pop
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#define BL_EXPLICIT			0x0001	/* header flag: bucket starts stored */
#define BL_MAX_BUCKETS		1000000
#define BL_TYPE				"ccr.backlog_summary"

typedef struct BacklogSummary
{
	CcrSummaryHeader hdr;		/* family CCR_FAMILY_BACKLOG */
	int32		nbuckets;
	int32		pad;			/* must be 0 */
	TimestampTz since;
	TimestampTz until;
	TimestampTz end;			/* end of the last bucket: its start + step */
	int64		step_time;		/* the step interval's fields */
	int32		step_day;
	int32		step_month;
	int64		base;
	/* int64 opened[n], closed[n], exact[n]; explicit: TimestampTz start[n] */
} BacklogSummary;

#define BL_OPENED(s)	((int64 *) (((char *) (s)) + sizeof(BacklogSummary)))
#define BL_CLOSED(s)	(BL_OPENED(s) + (s)->nbuckets)
#define BL_EXACT(s)		(BL_OPENED(s) + 2 * (Size) (s)->nbuckets)
#define BL_START(s)		(BL_OPENED(s) + 3 * (Size) (s)->nbuckets)
#define BL_SIZE(n, explicit) (sizeof(BacklogSummary) + (Size) (n) * sizeof(int64) * ((explicit) ? 4 : 3))

static void
bl_invalid(const char *detail) pg_attribute_noreturn();

static void
bl_invalid(const char *detail)
{
	ccr_summary_invalid(BL_TYPE, detail);
}

static inline TimestampTz
bl_bucket_start(const BacklogSummary *s, int32 k)
{
	if (s->hdr.flags & BL_EXPLICIT)
		return BL_START(s)[k];
	return s->since + (int64) k * s->step_time;
}

static void
bl_validate(const BacklogSummary *s, Size size)
{
	const int64 *op,
			   *cl,
			   *ex;
	int64		open;

	ccr_header_validate(BL_TYPE, CCR_FAMILY_BACKLOG, &s->hdr, size, sizeof(BacklogSummary), BL_EXPLICIT);
	if (s->pad != 0)
		bl_invalid("reserved header bits are set");
	if (s->nbuckets < 1 || s->nbuckets > BL_MAX_BUCKETS)
		bl_invalid(psprintf("bucket count %d is out of range", s->nbuckets));
	if (size != BL_SIZE(s->nbuckets, s->hdr.flags & BL_EXPLICIT))
		bl_invalid(psprintf("size is %zu bytes, which does not match %d buckets",
							(size_t) size, s->nbuckets));
	if (TIMESTAMP_NOT_FINITE(s->since) || TIMESTAMP_NOT_FINITE(s->until) ||
		!IS_VALID_TIMESTAMP(s->since) || !IS_VALID_TIMESTAMP(s->until) ||
		s->until <= s->since)
		bl_invalid("since and until must be finite with since < until");
	if (s->hdr.flags & BL_EXPLICIT)
	{
		const TimestampTz *st = BL_START(s);

		if (s->step_day == 0 && s->step_month == 0)
			bl_invalid("a grid of stored bucket starts needs a step with days or months");
		if (st[0] != s->since || st[s->nbuckets - 1] >= s->until ||
			s->end < s->until || !IS_VALID_TIMESTAMP(s->end))
			bl_invalid("bucket starts must begin at since and stay below until");
		for (int32 k = 1; k < s->nbuckets; k++)
			if (st[k] <= st[k - 1])
				bl_invalid("bucket starts are not strictly increasing");
	}
	else
	{
		int64		span;

		if (s->step_day != 0 || s->step_month != 0 || s->step_time <= 0)
			bl_invalid("a uniform grid needs a positive step of hours, minutes or seconds");
		if ((s->until - s->since - 1) / s->step_time + 1 != s->nbuckets ||
			pg_mul_s64_overflow(s->step_time, s->nbuckets, &span) ||
			s->end != s->since + span || !IS_VALID_TIMESTAMP(s->end))
			bl_invalid("bucket count does not match since, until and step");
	}
	op = BL_OPENED(s);
	cl = BL_CLOSED(s);
	ex = BL_EXACT(s);
	if (s->base < 0)
		bl_invalid("items open before since is negative");
	open = s->base;
	for (int32 k = 0; k < s->nbuckets; k++)
	{
		int64		at_start;

		if (op[k] < 0 || cl[k] < 0)
			bl_invalid("a bucket count is negative");
		if (ex[k] > op[k] || ex[k] < -cl[k])
			bl_invalid("items at a bucket start exceed the items of the bucket");
		if (pg_add_s64_overflow(open, ex[k], &at_start) || at_start < 0 ||
			pg_add_s64_overflow(open, op[k] - cl[k], &open) || open < 0)
			bl_invalid("open items would be negative");
	}
}

static BacklogSummary *
bl_check(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);

	bl_validate((BacklogSummary *) v, VARSIZE(v));
	return (BacklogSummary *) v;
}

static BacklogSummary *
bl_alloc(int32 n, bool explicit, MemoryContext cxt)
{
	BacklogSummary *s = MemoryContextAllocZero(cxt, BL_SIZE(n, explicit));

	ccr_summary_init(&s->hdr, BL_SIZE(n, explicit), CCR_FAMILY_BACKLOG, explicit ? BL_EXPLICIT : 0);
	s->nbuckets = n;
	return s;
}

static char *
ts_text(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
}

static char *
iv_text(Interval *iv)
{
	return DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(iv)));
}

/*
 * The empty summary of a grid, allocated in cxt.  Every parameter problem is
 * SQLSTATE 22023 naming the value.
 */
static BacklogSummary *
bl_new_grid(FunctionCallInfo fcinfo, MemoryContext cxt)
{
	TimestampTz since,
				until;
	Interval   *step;
	BacklogSummary *s;

	for (int a = 3; a <= 5; a++)
		if (PG_ARGISNULL(a))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must not be NULL", a == 3 ? "since" : a == 4 ? "until" : "step")));
	since = PG_GETARG_TIMESTAMPTZ(3);
	until = PG_GETARG_TIMESTAMPTZ(4);
	step = PG_GETARG_INTERVAL_P(5);
	if (TIMESTAMP_NOT_FINITE(since) || TIMESTAMP_NOT_FINITE(until))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("since and until must be finite, got %s and %s",
						ts_text(since), ts_text(until))));
	if (until <= since)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("until must be after since, got since %s and until %s",
						ts_text(since), ts_text(until))));

	if (step->month == 0 && step->day == 0)
	{
		int64		n;

		if (step->time <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("step must be positive, got %s", iv_text(step))));
		n = (until - since - 1) / step->time + 1;
		if (n > BL_MAX_BUCKETS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the grid from %s to %s by %s has " INT64_FORMAT " buckets, more than the limit of %d",
							ts_text(since), ts_text(until), iv_text(step), n, BL_MAX_BUCKETS),
					 errhint("Use a larger step or a shorter period.")));
		s = bl_alloc((int32) n, false, cxt);
		s->end = since + n * step->time;
		if (!IS_VALID_TIMESTAMP(s->end))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the last bucket of the grid from %s to %s by %s ends out of range",
							ts_text(since), ts_text(until), iv_text(step))));
	}
	else
	{
		/* generate_series' own arithmetic: repeated timestamptz + step */
		int32		n = 0,
					cap = 64;
		TimestampTz *st = palloc(cap * sizeof(TimestampTz));
		TimestampTz t = since;

		while (t < until)
		{
			TimestampTz next;

			if (n == BL_MAX_BUCKETS)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the grid from %s to %s by %s has more buckets than the limit of %d",
								ts_text(since), ts_text(until), iv_text(step), BL_MAX_BUCKETS),
						 errhint("Use a larger step or a shorter period.")));
			if (n == cap)
			{
				cap *= 2;
				st = repalloc(st, cap * sizeof(TimestampTz));
			}
			st[n++] = t;
			next = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
														   TimestampTzGetDatum(t),
														   IntervalPGetDatum(step)));
			if (next <= t)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("step must be positive, got %s", iv_text(step)),
						 errdetail("%s + %s is not after %s", ts_text(t), iv_text(step), ts_text(t))));
			t = next;
		}
		s = bl_alloc(n, true, cxt);
		s->end = t;
		memcpy(BL_START(s), st, n * sizeof(TimestampTz));
		pfree(st);
	}
	s->since = since;
	s->until = until;
	s->step_time = step->time;
	s->step_day = step->day;
	s->step_month = step->month;
	return s;
}

/* Bucket holding t, for since <= t < end. */
static inline int32
bl_bucket(const BacklogSummary *s, TimestampTz t)
{
	const TimestampTz *st;
	int32		lo,
				hi;

	if (!(s->hdr.flags & BL_EXPLICIT))
		return (int32) ((t - s->since) / s->step_time);
	st = BL_START(s);
	lo = 0;
	hi = s->nbuckets - 1;
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo + 1) / 2;

		if (st[mid] <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* backlog_trans(state, opened_at, closed_at, since, until, step) */
PG_FUNCTION_INFO_V1(ccr_backlog_trans);
Datum
ccr_backlog_trans(PG_FUNCTION_ARGS)
{
	BacklogSummary *s;
	TimestampTz opened,
				closed = 0;
	bool		has_closed;

	(void) ccr_agg_context(fcinfo, "ccr.backlog_trans");
	if (PG_ARGISNULL(0))
	{
		/* parameters are checked even when the first rows are skipped */
		if (PG_ARGISNULL(1))
		{
			(void) bl_new_grid(fcinfo, CurrentMemoryContext);
			PG_RETURN_NULL();
		}
		/* the executor copies a new state into the aggregate context */
		s = bl_new_grid(fcinfo, CurrentMemoryContext);
	}
	else
	{
		Interval   *step;

		s = (BacklogSummary *) PG_GETARG_POINTER(0);
		if (PG_ARGISNULL(3) || PG_ARGISNULL(4) || PG_ARGISNULL(5) ||
			PG_GETARG_TIMESTAMPTZ(3) != s->since || PG_GETARG_TIMESTAMPTZ(4) != s->until ||
			(step = PG_GETARG_INTERVAL_P(5))->time != s->step_time ||
			step->day != s->step_day || step->month != s->step_month)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("since, until and step must be the same for every row of ccr.backlog_agg")));
		if (PG_ARGISNULL(1))
			PG_RETURN_POINTER(s);
	}
	opened = PG_GETARG_TIMESTAMPTZ(1);
	has_closed = !PG_ARGISNULL(2);
	if (has_closed)
	{
		closed = PG_GETARG_TIMESTAMPTZ(2);
		if (closed < opened)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("closed_at %s is before opened_at %s", ts_text(closed), ts_text(opened))));
	}
	if (opened >= s->end)
		PG_RETURN_POINTER(s);	/* opens after the grid: never counted */
	if (opened < s->since)
		s->base++;
	else
	{
		int32		k = bl_bucket(s, opened);

		BL_OPENED(s)[k]++;
		if (bl_bucket_start(s, k) == opened)
			BL_EXACT(s)[k]++;
	}
	if (has_closed && closed < s->end)
	{
		if (closed < s->since)
			s->base--;
		else
		{
			int32		k = bl_bucket(s, closed);

			BL_CLOSED(s)[k]++;
			if (bl_bucket_start(s, k) == closed)
				BL_EXACT(s)[k]--;
		}
	}
	PG_RETURN_POINTER(s);
}

static bool
bl_same_grid(const BacklogSummary *a, const BacklogSummary *b)
{
	return a->hdr.flags == b->hdr.flags && a->nbuckets == b->nbuckets &&
		a->since == b->since && a->until == b->until && a->end == b->end &&
		a->step_time == b->step_time && a->step_day == b->step_day &&
		a->step_month == b->step_month &&
		(!(a->hdr.flags & BL_EXPLICIT) ||
		 memcmp(BL_START(a), BL_START(b), a->nbuckets * sizeof(TimestampTz)) == 0);
}

/*
 * combine(a, b): adds b into a.  Inside an aggregate, a is our state in the
 * aggregate context and is updated in place; called directly, the result is
 * a fresh copy.
 */
PG_FUNCTION_INFO_V1(ccr_backlog_summary_combine);
Datum
ccr_backlog_summary_combine(PG_FUNCTION_ARGS)
{
	BacklogSummary *a = bl_check(PG_GETARG_DATUM(0));
	BacklogSummary *b = bl_check(PG_GETARG_DATUM(1));
	MemoryContext aggcxt;
	Size		n3;

	if (!bl_same_grid(a, b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine %s values with different grids", BL_TYPE),
				 errdetail("One is from %s to %s by %s (%d buckets), the other from %s to %s by %s (%d buckets).",
						   ts_text(a->since), ts_text(a->until),
						   iv_text(&(Interval) {a->step_time, a->step_day, a->step_month}), a->nbuckets,
						   ts_text(b->since), ts_text(b->until),
						   iv_text(&(Interval) {b->step_time, b->step_day, b->step_month}), b->nbuckets),
				 errhint("Summaries merge only when they were built with the same since, until, step and time zone.")));
	if (!AggCheckCallContext(fcinfo, &aggcxt) ||
		(Pointer) a != DatumGetPointer(PG_GETARG_DATUM(0)))
	{
		BacklogSummary *copy = palloc(VARSIZE(a));

		memcpy(copy, a, VARSIZE(a));
		a = copy;
	}
	ccr_add_count(&a->base, b->base, "open items");
	n3 = 3 * (Size) a->nbuckets;
	for (Size k = 0; k < n3; k++)
		ccr_add_count(&BL_OPENED(a)[k], BL_OPENED(b)[k], "bucket count");
	/*
	 * Each count fits, but the running number of open items, which readers
	 * add up, may not (found by fuzzing): refuse to return a summary that
	 * every reader would reject.
	 */
	{
		int64		open = a->base;
		int64		at_start;

		for (int32 k = 0; k < a->nbuckets; k++)
			if (pg_add_s64_overflow(open, BL_EXACT(a)[k], &at_start) ||
				pg_add_s64_overflow(open, BL_OPENED(a)[k] - BL_CLOSED(a)[k], &open))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("open items out of range in combined %s", BL_TYPE)));
	}
	PG_RETURN_POINTER(a);
}

/* ccr.backlog(s): one row per bucket */
PG_FUNCTION_INFO_V1(ccr_backlog_rows);
Datum
ccr_backlog_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	BacklogSummary *s = bl_check(PG_GETARG_DATUM(0));
	int64		open = s->base;

	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k < s->nbuckets; k++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = TimestampTzGetDatum(bl_bucket_start(s, k));
		values[1] = Int64GetDatum(open + BL_EXACT(s)[k]);
		values[2] = Int64GetDatum(BL_OPENED(s)[k]);
		values[3] = Int64GetDatum(BL_CLOSED(s)[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		open += BL_OPENED(s)[k] - BL_CLOSED(s)[k];
	}
	return (Datum) 0;
}

/* ---------- text I/O ----------
 * "v=1 since=T until=T end=T step_us=N step_days=N step_months=N base=N
 *  opened=a,b,... closed=... exact=... [starts=offsets from since in us]"
 * with T in ISO 8601 UTC ("2026-01-01T00:00:00+00:00"), so the text form
 * reads back identically under any DateStyle and TimeZone.
 */

static int32
bl_scan_int32(CcrScan *sc, const char *key)
{
	int64		v = ccr_scan_key_int64(sc, key);

	if (v < PG_INT32_MIN || v > PG_INT32_MAX)
		ccr_scan_error(sc, psprintf("%s is out of range", key));
	return (int32) v;
}

static TimestampTz
bl_scan_ts(CcrScan *sc, const char *key)
{
	char	   *tok;

	ccr_scan_key(sc, key);
	tok = ccr_scan_word(sc, key);
	return DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(tok),
												   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}

static void
bl_scan_list(CcrScan *sc, const char *key, int64 *dst, int32 n)
{
	const char *detail = psprintf("\"%s\" needs %d comma-separated values", key, n);

	ccr_scan_key(sc, key);
	for (int32 k = 0; k < n; k++)
	{
		if (k > 0)
			ccr_scan_expect(sc, ',', detail);
		dst[k] = ccr_scan_int64(sc, key);
	}
	if (*sc->p != '\0' && !ccr_scan_sep(*sc->p))
		ccr_scan_error(sc, detail);
}

PG_FUNCTION_INFO_V1(ccr_backlog_summary_in);
Datum
ccr_backlog_summary_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	CcrScan		sc;
	BacklogSummary h;
	BacklogSummary *s;
	int64		v;
	int32		n;
	bool		explicit;

	memset(&h, 0, sizeof(h));
	ccr_scan_begin(&sc, BL_TYPE, str);
	h.since = bl_scan_ts(&sc, "since");
	h.until = bl_scan_ts(&sc, "until");
	h.end = bl_scan_ts(&sc, "end");
	h.step_time = ccr_scan_key_int64(&sc, "step_us");
	h.step_day = bl_scan_int32(&sc, "step_days");
	h.step_month = bl_scan_int32(&sc, "step_months");
	h.base = ccr_scan_key_int64(&sc, "base");
	v = ccr_scan_key_int64(&sc, "buckets");
	if (v < 1 || v > BL_MAX_BUCKETS)
		ccr_scan_error(&sc, psprintf("bucket count %lld is out of range 1..%d", (long long) v, BL_MAX_BUCKETS));
	n = (int32) v;
	explicit = (h.step_day != 0 || h.step_month != 0);

	s = bl_alloc(n, explicit, CurrentMemoryContext);
	s->since = h.since;
	s->until = h.until;
	s->end = h.end;
	s->step_time = h.step_time;
	s->step_day = h.step_day;
	s->step_month = h.step_month;
	s->base = h.base;
	bl_scan_list(&sc, "opened", BL_OPENED(s), n);
	bl_scan_list(&sc, "closed", BL_CLOSED(s), n);
	bl_scan_list(&sc, "exact", BL_EXACT(s), n);
	if (explicit)
	{
		bl_scan_list(&sc, "starts", BL_START(s), n);
		for (int32 k = 0; k < n; k++)
			if (pg_add_s64_overflow(BL_START(s)[k], s->since, &BL_START(s)[k]))
				ccr_scan_error(&sc, "a bucket start is out of range");
	}
	ccr_scan_finish(&sc);
	bl_validate(s, VARSIZE(s));
	PG_RETURN_POINTER(s);
}

static void
append_ts_utc(StringInfo buf, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		tmp[MAXDATELEN + 1];

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range in a validated %s", BL_TYPE);
	tm.tm_isdst = 0;			/* print the +00:00 offset */
	EncodeDateTime(&tm, fsec, true, 0, NULL, USE_XSD_DATES, tmp);
	appendStringInfoString(buf, tmp);
}

static void
append_list(StringInfo buf, const char *key, const int64 *a, int32 n, int64 minus)
{
	appendStringInfo(buf, " %s=", key);
	for (int32 k = 0; k < n; k++)
		appendStringInfo(buf, "%s" INT64_FORMAT, k ? "," : "", a[k] - minus);
}

PG_FUNCTION_INFO_V1(ccr_backlog_summary_out);
Datum
ccr_backlog_summary_out(PG_FUNCTION_ARGS)
{
	BacklogSummary *s = bl_check(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v=%d since=", s->hdr.version);
	append_ts_utc(&buf, s->since);
	appendStringInfoString(&buf, " until=");
	append_ts_utc(&buf, s->until);
	appendStringInfoString(&buf, " end=");
	append_ts_utc(&buf, s->end);
	appendStringInfo(&buf, " step_us=" INT64_FORMAT " step_days=%d step_months=%d base=" INT64_FORMAT " buckets=%d",
					 s->step_time, s->step_day, s->step_month, s->base, s->nbuckets);
	append_list(&buf, "opened", BL_OPENED(s), s->nbuckets, 0);
	append_list(&buf, "closed", BL_CLOSED(s), s->nbuckets, 0);
	append_list(&buf, "exact", BL_EXACT(s), s->nbuckets, 0);
	if (s->hdr.flags & BL_EXPLICIT)
		append_list(&buf, "starts", BL_START(s), s->nbuckets, s->since);
	PG_RETURN_CSTRING(buf.data);
}

/* ---------- binary I/O: version, tag, flags, n, the header fields, the arrays ---------- */

PG_FUNCTION_INFO_V1(ccr_backlog_summary_recv);
Datum
ccr_backlog_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int			tag = pq_getmsgbyte(buf);
	int			flags = pq_getmsgint(buf, 2);
	int32		n = (int32) pq_getmsgint(buf, 4);
	bool		explicit = (flags & BL_EXPLICIT) != 0;
	BacklogSummary *s;
	Size		narr;

	if (n < 1 || n > BL_MAX_BUCKETS ||
		(Size) (buf->len - buf->cursor) != 48 + (Size) n * 8 * (explicit ? 4 : 3))
		ccr_binary_invalid(BL_TYPE, psprintf("bucket count %d does not match the %d bytes left",
											 n, buf->len - buf->cursor));
	s = bl_alloc(n, explicit, CurrentMemoryContext);
	s->hdr.version = version;
	s->hdr.family = tag;
	s->hdr.flags = flags;
	s->since = pq_getmsgint64(buf);
	s->until = pq_getmsgint64(buf);
	s->step_time = pq_getmsgint64(buf);
	s->step_day = (int32) pq_getmsgint(buf, 4);
	s->step_month = (int32) pq_getmsgint(buf, 4);
	s->base = pq_getmsgint64(buf);
	s->end = pq_getmsgint64(buf);
	narr = (Size) n * (explicit ? 4 : 3);
	for (Size k = 0; k < narr; k++)
		BL_OPENED(s)[k] = pq_getmsgint64(buf);
	bl_validate(s, VARSIZE(s));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(ccr_backlog_summary_send);
Datum
ccr_backlog_summary_send(PG_FUNCTION_ARGS)
{
	BacklogSummary *s = bl_check(PG_GETARG_DATUM(0));
	StringInfoData buf;
	Size		narr = (Size) s->nbuckets * ((s->hdr.flags & BL_EXPLICIT) ? 4 : 3);

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, s->hdr.version);
	pq_sendbyte(&buf, s->hdr.family);
	pq_sendint16(&buf, s->hdr.flags);
	pq_sendint32(&buf, s->nbuckets);
	pq_sendint64(&buf, s->since);
	pq_sendint64(&buf, s->until);
	pq_sendint64(&buf, s->step_time);
	pq_sendint32(&buf, s->step_day);
	pq_sendint32(&buf, s->step_month);
	pq_sendint64(&buf, s->base);
	pq_sendint64(&buf, s->end);
	for (Size k = 0; k < narr; k++)
		pq_sendint64(&buf, BL_OPENED(s)[k]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Number of buckets of a summary (cheap, no set to build). */
PG_FUNCTION_INFO_V1(ccr_backlog_buckets);
Datum
ccr_backlog_buckets(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(bl_check(PG_GETARG_DATUM(0))->nbuckets);
}
