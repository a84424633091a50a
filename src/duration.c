/*
 * duration.c
 *		Durations with percentiles: ccr.duration_summary.
 *
 * A summary keeps the exact count, the exact sum (int64 microseconds, as
 * every family does), the exact smallest positive value and maximum, the
 * count of zeros and
 * a DDSketch-style histogram of the positive values: value x > 0 falls in
 * bucket i = ceil(log(x) / log(GAMMA)), that is x in (GAMMA^(i-1), GAMMA^i].
 * Answering with 2 GAMMA^i / (GAMMA + 1) is within (GAMMA-1)/(GAMMA+1) =
 * 0.990 % of every value of the bucket.  Bucket counts add, so a summary
 * rolled up from parts equals the direct one byte for byte.
 *
 * Two layouts share the type (flag CCR_DUR_DENSE):
 *	- sparse (canonical: what is stored, sent and printed): n (index, count)
 *	  pairs with count > 0, indexes strictly increasing;
 *	- dense (aggregate state only): counts of the consecutive indexes
 *	  offset .. offset+n-1, zeros allowed; grown geometrically so a row costs
 *	  one log() and one increment, no allocation.
 * The aggregates' final function turns a dense state into the canonical
 * sparse form.
 */
#include "ccr_metrics.h"

#include <errno.h>
#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#define CCR_DUR_DENSE		0x0001	/* header flag */
#define DUR_GAMMA			1.02
/* positive finite doubles map into [IDX_MIN, IDX_MAX] */
#define DUR_IDX_MIN			(-37700)
#define DUR_IDX_MAX			36000
#define DUR_TYPE			"ccr.duration_summary"

typedef struct DurSummary
{
	CcrSummaryHeader hdr;		/* family CCR_FAMILY_DURATION */
	int32		nbuckets;		/* sparse: pairs; dense: slots */
	int32		offset;			/* dense: index of slot 0; sparse: 0 */
	int64		count;			/* all values, zeros included */
	int64		zeros;
	int64		sum_us;
	double		min;			/* smallest positive value; 0 when none */
	double		max;			/* largest value; 0 when none is positive */
	/* int64 counts[nbuckets]; sparse only: int32 index[nbuckets] */
} DurSummary;

#define DUR_COUNTS(s)	((int64 *) (((char *) (s)) + sizeof(DurSummary)))
#define DUR_INDEX(s)	((int32 *) (DUR_COUNTS(s) + (s)->nbuckets))
#define DUR_SPARSE_SIZE(n)	(sizeof(DurSummary) + (Size) (n) * (sizeof(int64) + sizeof(int32)))
#define DUR_DENSE_SIZE(n)	(sizeof(DurSummary) + (Size) (n) * sizeof(int64))

static double inv_log_gamma;

/*
 * Bucket index of a positive finite x: ceil(log(x) / log(GAMMA)), computed
 * exactly like that (the definition, used by validation too).
 */
static int32
dur_index_slow(double x)
{
	double		i;

	if (unlikely(inv_log_gamma == 0))
		inv_log_gamma = 1.0 / log(DUR_GAMMA);
	i = log(x) * inv_log_gamma;
	/* can't happen for positive finite doubles; keeps a bad libm harmless */
	if (unlikely(!(i > DUR_IDX_MIN && i < DUR_IDX_MAX)))
		return i > 0 ? DUR_IDX_MAX : DUR_IDX_MIN;
	/* ceil(i) without the libm call: truncate, then step up if cut */
	return (int32) i + ((double) (int32) i < i);
}

/*
 * The same index without log() for most values: x = 2^e * m, and log_gamma
 * of m is bracketed by a table over the top 12 mantissa bits.  When both
 * ends of the bracket (widened far beyond any rounding error) have the same
 * ceiling, that is the index; otherwise (about 1 value in 20) ask log().
 */
#define DUR_MANT_BITS	10
static double dur_mant_log[(1 << DUR_MANT_BITS) + 1];
static double dur_log2_gamma;
static bool dur_table_ready = false;

static void
dur_table_init(void)
{
	if (inv_log_gamma == 0)
		inv_log_gamma = 1.0 / log(DUR_GAMMA);
	for (int c = 0; c <= (1 << DUR_MANT_BITS); c++)
		dur_mant_log[c] = log(1.0 + (double) c / (1 << DUR_MANT_BITS)) * inv_log_gamma;
	dur_log2_gamma = log(2.0) * inv_log_gamma;
	dur_table_ready = true;
}

static inline int32
dur_index(double x)
{
	uint64		bits;
	int			e;
	int			c;
	double		base,
				lo,
				hi;
	int32		ilo,
				ihi;

	if (unlikely(!dur_table_ready))
		dur_table_init();
	memcpy(&bits, &x, sizeof(bits));
	e = (int) ((bits >> 52) & 0x7ff);
	if (unlikely(e == 0 || e == 0x7ff))
		return dur_index_slow(x);	/* subnormal (or not finite) */
	c = (int) ((bits >> (52 - DUR_MANT_BITS)) & ((1 << DUR_MANT_BITS) - 1));
	base = (double) (e - 1023) * dur_log2_gamma;
	lo = base + dur_mant_log[c] - 1e-6;
	hi = base + dur_mant_log[c + 1] + 1e-6;
	ilo = (int32) lo + ((double) (int32) lo < lo);
	ihi = (int32) hi + ((double) (int32) hi < hi);
	if (likely(ilo == ihi))
		return ilo;
	return dur_index_slow(x);
}

static inline double
dur_bucket_value(int32 i)
{
	return 2.0 * pow(DUR_GAMMA, i) / (DUR_GAMMA + 1.0);
}

static void
dur_invalid(const char *detail) pg_attribute_noreturn();

static void
dur_invalid(const char *detail)
{
	ccr_summary_invalid(DUR_TYPE, detail);
}

/* Every rule a summary obeys; ereports otherwise. */
static void
dur_validate(const DurSummary *s, Size size)
{
	const int64 *c;
	int64		total = 0;
	int32		first = 0,
				last = 0;
	bool		any = false;

	ccr_header_validate(DUR_TYPE, CCR_FAMILY_DURATION, &s->hdr, size, sizeof(DurSummary), CCR_DUR_DENSE);
	if (s->nbuckets < 0 || s->nbuckets > DUR_IDX_MAX - DUR_IDX_MIN + 1)
		dur_invalid(psprintf("bucket count %d is out of range", s->nbuckets));
	if (size != ((s->hdr.flags & CCR_DUR_DENSE) ? DUR_DENSE_SIZE(s->nbuckets) : DUR_SPARSE_SIZE(s->nbuckets)))
		dur_invalid(psprintf("size is %zu bytes, which does not match %d buckets",
							 (size_t) size, s->nbuckets));
	if (s->count < 0 || s->zeros < 0 || s->sum_us < 0 || s->zeros > s->count)
		dur_invalid("count, zeros and sum must be >= 0 and zeros <= count");

	c = DUR_COUNTS(s);
	if (s->hdr.flags & CCR_DUR_DENSE)
	{
		if (s->offset < DUR_IDX_MIN || (int64) s->offset + s->nbuckets - 1 > DUR_IDX_MAX)
			dur_invalid("bucket range is out of range");
		for (int32 k = 0; k < s->nbuckets; k++)
		{
			if (c[k] < 0)
				dur_invalid("a bucket count is negative");
			if (c[k] > 0)
			{
				if (!any)
					first = s->offset + k;
				last = s->offset + k;
				any = true;
			}
			if (pg_add_s64_overflow(total, c[k], &total))
				dur_invalid("bucket counts overflow");
		}
	}
	else
	{
		const int32 *ix = DUR_INDEX(s);

		if (s->offset != 0)
			dur_invalid("offset of a sparse summary must be 0");
		for (int32 k = 0; k < s->nbuckets; k++)
		{
			if (c[k] <= 0)
				dur_invalid("a bucket count is not positive");
			if (ix[k] < DUR_IDX_MIN || ix[k] > DUR_IDX_MAX)
				dur_invalid(psprintf("bucket index %d is out of range", ix[k]));
			if (k > 0 && ix[k] <= ix[k - 1])
				dur_invalid("bucket indexes are not strictly increasing");
			if (pg_add_s64_overflow(total, c[k], &total))
				dur_invalid("bucket counts overflow");
		}
		if (s->nbuckets > 0)
		{
			any = true;
			first = ix[0];
			last = ix[s->nbuckets - 1];
		}
	}
	if (pg_add_s64_overflow(total, s->zeros, &total) || total != s->count)
		dur_invalid("count is not zeros plus the bucket counts");

	if (!isfinite(s->min) || !isfinite(s->max) || s->min < 0 || s->min > s->max)
		dur_invalid("min and max must be finite with 0 <= min <= max");
	if (s->count == 0 && s->sum_us != 0)
		dur_invalid("an empty summary has sum 0");
	/* the extremes lie in the outermost occupied buckets */
	if (any ? (s->min <= 0 || dur_index(s->min) != first) : s->min != 0)
		dur_invalid("min_positive does not match the lowest bucket");
	if (any ? (s->max <= 0 || dur_index(s->max) != last) : s->max != 0)
		dur_invalid("max does not match the highest bucket");
}

static DurSummary *
dur_check(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);

	dur_validate((DurSummary *) v, VARSIZE(v));
	return (DurSummary *) v;
}

static DurSummary *
dur_alloc_sparse(int32 n, MemoryContext cxt)
{
	DurSummary *s = MemoryContextAllocZero(cxt, DUR_SPARSE_SIZE(n));

	ccr_summary_init(&s->hdr, DUR_SPARSE_SIZE(n), CCR_FAMILY_DURATION, 0);
	s->nbuckets = n;
	return s;
}

/* A dense state covering [lo, hi] with slack, in cxt. */
static DurSummary *
dur_alloc_dense(int32 lo, int32 hi, MemoryContext cxt)
{
	int32		n = hi - lo + 1;
	DurSummary *s;

	s = MemoryContextAllocZero(cxt, DUR_DENSE_SIZE(n));
	ccr_summary_init(&s->hdr, DUR_DENSE_SIZE(n), CCR_FAMILY_DURATION, CCR_DUR_DENSE);
	s->nbuckets = n;
	s->offset = lo;
	return s;
}

/*
 * Makes the dense state cover index i, growing it at least twofold so that
 * a run of rows costs amortised O(1).  Returns the (possibly moved) state,
 * allocated in the current context: when a transition or combine function
 * returns a new pointer, the executor copies it into the aggregate context
 * and frees the old state itself, so "orig" (the state we were passed) is
 * never freed here, only our own intermediate copies.
 */
static DurSummary *
dur_cover(DurSummary *s, int32 i, const DurSummary *orig)
{
	int32		lo = s->offset,
				hi = s->offset + s->nbuckets - 1,
				grow;
	DurSummary *t;

	if (i >= lo && i <= hi)
		return s;
	grow = Max(s->nbuckets, 16);
	if (i < lo)
		lo = Max(Min(i, lo - grow), DUR_IDX_MIN);
	else
		hi = Min(Max(i, hi + grow), DUR_IDX_MAX);
	t = dur_alloc_dense(lo, hi, CurrentMemoryContext);
	memcpy(t, s, sizeof(DurSummary));
	SET_VARSIZE(t, DUR_DENSE_SIZE(hi - lo + 1));
	t->nbuckets = hi - lo + 1;
	t->offset = lo;
	memcpy(DUR_COUNTS(t) + (s->offset - lo), DUR_COUNTS(s), s->nbuckets * sizeof(int64));
	if (s != orig)
		pfree(s);
	return t;
}

/* Adds b (any layout, validated) into the dense state a; returns a. */
static DurSummary *
dur_add(DurSummary *a, const DurSummary *b)
{
	const int64 *bc = DUR_COUNTS(b);
	const DurSummary *orig = a;

	if (b->count == b->zeros)
	{
		ccr_add_count(&a->count, b->count, "count of durations");
		ccr_add_count(&a->zeros, b->zeros, "count of zero durations");
		return a;
	}
	if (b->hdr.flags & CCR_DUR_DENSE)
	{
		for (int32 k = 0; k < b->nbuckets; k++)
			if (bc[k] != 0)
			{
				int32		i = b->offset + k;

				a = dur_cover(a, i, orig);
				ccr_add_count(&DUR_COUNTS(a)[i - a->offset], bc[k], "bucket count");
			}
	}
	else
	{
		const int32 *ix = DUR_INDEX(b);

		for (int32 k = 0; k < b->nbuckets; k++)
		{
			a = dur_cover(a, ix[k], orig);
			ccr_add_count(&DUR_COUNTS(a)[ix[k] - a->offset], bc[k], "bucket count");
		}
	}
	if (a->count == a->zeros)	/* a has no positive value yet */
	{
		a->min = b->min;
		a->max = b->max;
	}
	else
	{
		a->min = Min(a->min, b->min);
		a->max = Max(a->max, b->max);
	}
	ccr_add_count(&a->count, b->count, "count of durations");
	ccr_add_count(&a->zeros, b->zeros, "count of zero durations");
	ccr_add_count(&a->sum_us, b->sum_us, "sum of durations");
	return a;
}

/* The canonical sparse copy of any summary, palloc'd in the current context. */
static DurSummary *
dur_canonical(const DurSummary *s)
{
	DurSummary *t;
	int32		n = 0;
	const int64 *c = DUR_COUNTS(s);

	if (!(s->hdr.flags & CCR_DUR_DENSE))
	{
		t = palloc(VARSIZE(s));
		memcpy(t, s, VARSIZE(s));
		return t;
	}
	for (int32 k = 0; k < s->nbuckets; k++)
		n += (c[k] != 0);
	t = dur_alloc_sparse(n, CurrentMemoryContext);
	t->count = s->count;
	t->zeros = s->zeros;
	t->sum_us = s->sum_us;
	t->min = s->min;
	t->max = s->max;
	n = 0;
	for (int32 k = 0; k < s->nbuckets; k++)
		if (c[k] != 0)
		{
			DUR_COUNTS(t)[n] = c[k];
			DUR_INDEX(t)[n] = s->offset + k;
			n++;
		}
	return t;
}

/* ---------- transition, combine, final ---------- */

static inline Datum
dur_step(FunctionCallInfo fcinfo, bool is_interval)
{
	DurSummary *s;
	double		x;
	int64		us;

	if (PG_ARGISNULL(1))
	{
		/* NULL rows are skipped; no moving-aggregate form, so NULL may stay */
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	(void) ccr_agg_context(fcinfo, "ccr.duration_trans");
	x = ccr_arg_seconds(fcinfo, 1, is_interval);
	/* the common case inline; anything else gets the shared checks (22003) */
	if (likely(x >= 0 && x < 9.2e12))
		us = (int64) rint(x * CCR_USEC_PER_SEC);
	else
		us = ccr_seconds_to_usec(x, "duration");

	if (PG_ARGISNULL(0))
	{
		int32		i = x > 0 ? dur_index(x) : 0;

		/* the executor copies a new state into the aggregate context */
		s = dur_alloc_dense(Max(i - 32, DUR_IDX_MIN), Min(i + 31, DUR_IDX_MAX), CurrentMemoryContext);
	}
	else
		s = (DurSummary *) PG_GETARG_POINTER(0);
	if (x == 0)
		s->zeros++;
	else
	{
		int32		i = dur_index(x);

		if (s->count == s->zeros)
			s->min = s->max = x;
		else if (x < s->min)
			s->min = x;
		else if (x > s->max)
			s->max = x;

		if (unlikely(i < s->offset || i >= s->offset + s->nbuckets))
			s = dur_cover(s, i, s);
		DUR_COUNTS(s)[i - s->offset]++;
	}
	s->count++;
	ccr_add_count(&s->sum_us, us, "sum of durations");
	PG_RETURN_POINTER(s);
}

CCR_FORWARD(ccr_duration_trans, dur_step(fcinfo, false))
CCR_FORWARD(ccr_duration_trans_iv, dur_step(fcinfo, true))

/*
 * combine(a, b): inside an aggregate a is our state (dense, in the aggregate
 * context) and is updated in place; a first state that the executor copied
 * from a sparse input is turned into a dense one.  Called directly it
 * returns a fresh canonical summary.
 */
PG_FUNCTION_INFO_V1(ccr_duration_summary_combine);
Datum
ccr_duration_summary_combine(PG_FUNCTION_ARGS)
{
	DurSummary *a = dur_check(PG_GETARG_DATUM(0));
	DurSummary *b = dur_check(PG_GETARG_DATUM(1));
	MemoryContext aggcxt;
	bool		inagg = AggCheckCallContext(fcinfo, &aggcxt);

	if (!inagg || (Pointer) a != DatumGetPointer(PG_GETARG_DATUM(0)) ||
		!(a->hdr.flags & CCR_DUR_DENSE))
	{
		DurSummary *d = dur_alloc_dense(0, 15, CurrentMemoryContext);

		a = dur_add(d, a);
	}
	a = dur_add(a, b);
	if (!inagg)
		PG_RETURN_POINTER(dur_canonical(a));
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(ccr_duration_summary_final);
Datum
ccr_duration_summary_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(dur_canonical(dur_check(PG_GETARG_DATUM(0))));
}

/* ---------- accessors ---------- */

PG_FUNCTION_INFO_V1(ccr_duration_total);
Datum
ccr_duration_total(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(dur_check(PG_GETARG_DATUM(0))->count);
}

PG_FUNCTION_INFO_V1(ccr_duration_mean);
Datum
ccr_duration_mean(PG_FUNCTION_ARGS)
{
	DurSummary *s = dur_check(PG_GETARG_DATUM(0));

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) s->sum_us / CCR_USEC_PER_SEC / (double) s->count);
}

PG_FUNCTION_INFO_V1(ccr_duration_min);
Datum
ccr_duration_min(PG_FUNCTION_ARGS)
{
	DurSummary *s = dur_check(PG_GETARG_DATUM(0));

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s->zeros > 0 ? 0.0 : s->min);
}

PG_FUNCTION_INFO_V1(ccr_duration_max);
Datum
ccr_duration_max(PG_FUNCTION_ARGS)
{
	DurSummary *s = dur_check(PG_GETARG_DATUM(0));

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s->max);
}

/*
 * percentile(s, q): the value of rank r = max(1, ceil(q * n)) in ascending
 * order, the rank percentile_disc uses.  Zeros, the smallest positive value
 * and the maximum are exact; any other value is its bucket's
 * representative, clamped to [smallest positive, max].
 */
PG_FUNCTION_INFO_V1(ccr_duration_percentile);
Datum
ccr_duration_percentile(PG_FUNCTION_ARGS)
{
	DurSummary *s = dur_check(PG_GETARG_DATUM(0));
	double		q = PG_GETARG_FLOAT8(1);
	double		r;
	int64		rank,
				cum;
	const int64 *c = DUR_COUNTS(s);

	if (!(q >= 0 && q <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fraction must be between 0 and 1, got %s", float8out_internal(q))));
	if (s->count == 0)
		PG_RETURN_NULL();
	r = ceil(q * (double) s->count);
	rank = r < 1 ? 1 : (r > (double) s->count ? s->count : (int64) r);
	if (rank <= s->zeros)
		PG_RETURN_FLOAT8(0.0);
	if (rank == s->zeros + 1)
		PG_RETURN_FLOAT8(s->min);
	if (rank == s->count)
		PG_RETURN_FLOAT8(s->max);
	cum = s->zeros;
	for (int32 k = 0; k < s->nbuckets; k++)
	{
		cum += c[k];
		if (cum >= rank)
		{
			int32		i = (s->hdr.flags & CCR_DUR_DENSE) ? s->offset + k : DUR_INDEX(s)[k];
			double		v = dur_bucket_value(i);

			PG_RETURN_FLOAT8(Min(Max(v, s->min), s->max));
		}
	}
	elog(ERROR, "percentile rank %lld not found in a validated summary", (long long) rank);
	PG_RETURN_NULL();
}

/* ---------- text I/O ----------
 * "v=1 count=N zeros=Z sum_us=S min_positive=X max=Y buckets=i:c,i:c,..."
 * (X and Y in shortest exact form; buckets= empty when there are none).
 */

PG_FUNCTION_INFO_V1(ccr_duration_summary_in);
Datum
ccr_duration_summary_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	CcrScan		sc;
	const char *q;
	int64		count,
				zeros,
				sum_us;
	double		min,
				max;
	int32		n = 0;
	DurSummary *s;

	ccr_scan_begin(&sc, DUR_TYPE, str);
	count = ccr_scan_key_int64(&sc, "count");
	zeros = ccr_scan_key_int64(&sc, "zeros");
	sum_us = ccr_scan_key_int64(&sc, "sum_us");
	ccr_scan_key(&sc, "min_positive");
	min = ccr_scan_float8(&sc, "min_positive");
	ccr_scan_key(&sc, "max");
	max = ccr_scan_float8(&sc, "max");
	ccr_scan_key(&sc, "buckets");

	/* count the pairs, then parse them */
	for (q = sc.p; *q && !ccr_scan_sep(*q); q++)
		if (*q == ':')
			n++;
	if (n > DUR_IDX_MAX - DUR_IDX_MIN + 1)
		ccr_scan_error(&sc, "too many buckets");
	s = dur_alloc_sparse(n, CurrentMemoryContext);
	s->count = count;
	s->zeros = zeros;
	s->sum_us = sum_us;
	s->min = min;
	s->max = max;
	for (int32 k = 0; k < n; k++)
	{
		int64		i;

		if (k > 0)
			ccr_scan_expect(&sc, ',', "expected \",\" between buckets");
		i = ccr_scan_int64(&sc, "bucket index");
		if (i < DUR_IDX_MIN || i > DUR_IDX_MAX)
			ccr_scan_error(&sc, psprintf("bucket index %lld is out of range", (long long) i));
		ccr_scan_expect(&sc, ':', "expected \"index:count\" pairs");
		DUR_INDEX(s)[k] = (int32) i;
		DUR_COUNTS(s)[k] = ccr_scan_int64(&sc, "bucket count");
	}
	ccr_scan_finish(&sc);
	dur_validate(s, VARSIZE(s));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(ccr_duration_summary_out);
Datum
ccr_duration_summary_out(PG_FUNCTION_ARGS)
{
	DurSummary *s = dur_canonical(dur_check(PG_GETARG_DATUM(0)));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v=%d count=" INT64_FORMAT " zeros=" INT64_FORMAT " sum_us=" INT64_FORMAT,
					 s->hdr.version, s->count, s->zeros, s->sum_us);
	appendStringInfo(&buf, " min_positive=%s", float8out_internal(s->min));
	appendStringInfo(&buf, " max=%s buckets=", float8out_internal(s->max));
	for (int32 k = 0; k < s->nbuckets; k++)
		appendStringInfo(&buf, "%s%d:" INT64_FORMAT, k ? "," : "",
						 DUR_INDEX(s)[k], DUR_COUNTS(s)[k]);
	PG_RETURN_CSTRING(buf.data);
}

/* ---------- binary I/O: version, tag, n, count, zeros, sum, min, max, pairs ---------- */

PG_FUNCTION_INFO_V1(ccr_duration_summary_recv);
Datum
ccr_duration_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version,
				tag;
	int32		n;
	DurSummary *s;

	version = pq_getmsgbyte(buf);
	tag = pq_getmsgbyte(buf);
	n = (int32) pq_getmsgint(buf, 4);
	if (n < 0 || n > DUR_IDX_MAX - DUR_IDX_MIN + 1 ||
		buf->len - buf->cursor != 40 + 12 * n)
		ccr_binary_invalid(DUR_TYPE, psprintf("bucket count %d does not match the %d bytes left", n,
											  buf->len - buf->cursor));
	s = dur_alloc_sparse(n, CurrentMemoryContext);
	s->hdr.version = version;
	s->hdr.family = tag;
	s->count = pq_getmsgint64(buf);
	s->zeros = pq_getmsgint64(buf);
	s->sum_us = pq_getmsgint64(buf);
	s->min = pq_getmsgfloat8(buf);
	s->max = pq_getmsgfloat8(buf);
	for (int32 k = 0; k < n; k++)
	{
		DUR_INDEX(s)[k] = (int32) pq_getmsgint(buf, 4);
		DUR_COUNTS(s)[k] = pq_getmsgint64(buf);
	}
	dur_validate(s, VARSIZE(s));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(ccr_duration_summary_send);
Datum
ccr_duration_summary_send(PG_FUNCTION_ARGS)
{
	DurSummary *s = dur_canonical(dur_check(PG_GETARG_DATUM(0)));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, s->hdr.version);
	pq_sendbyte(&buf, s->hdr.family);
	pq_sendint32(&buf, s->nbuckets);
	pq_sendint64(&buf, s->count);
	pq_sendint64(&buf, s->zeros);
	pq_sendint64(&buf, s->sum_us);
	pq_sendfloat8(&buf, s->min);
	pq_sendfloat8(&buf, s->max);
	for (int32 k = 0; k < s->nbuckets; k++)
	{
		pq_sendint32(&buf, DUR_INDEX(s)[k]);
		pq_sendint64(&buf, DUR_COUNTS(s)[k]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
