/*
 * business_time.c
 *		Business calendars: validation of the calendar tables, the trigger
 *		that invalidates compiled calendars, business_seconds and business_add.
 *
 * Meaning.  An instant is open when the wall clock of the calendar's time
 * zone, at that instant, shows a time within the open hours of that local
 * date (and the date is not a holiday).  So hours follow daylight saving
 * changes; an opening inside a spring-forward gap opens when the clock jumps
 * past it; a local hour that happens twice (fall back) is open both times
 * if its wall-clock time is within the hours.  A 24/7 calendar is open at
 * every instant, so it gives exactly finish - start.
 *
 * Method.  On the local wall-clock axis (microseconds since 2000-01-01 local,
 * as if there were no DST) the open time before a wall time w is
 *		C(w) = weeks * open-per-week + open-before-w-in-its-week
 *			   - open time of the holidays before w
 * which costs O(1) plus a binary search over the holidays.  Real time maps
 * to wall time by a constant offset between two UTC-offset changes, so
 *		business(s, f) = C(f + off(f)) - C(s + off(s))
 *						 + sum over offset changes T in (s, f] of
 *						   C(T + off_before) - C(T + off_after)
 * (a spring-forward gap takes its wall-clock hours out, a fall-back hour
 * puts its hours in again).  Each calendar is compiled once per backend
 * into the week template, the holiday list with prefix sums, and the
 * offset changes of its zone in 1800..2400 with prefix sums of those
 * corrections, so a span of any length costs a few binary searches; spans
 * outside 1800..2400 walk the zone's transitions one by one.
 *
 * Staleness.  Compiled calendars live in a per-backend cache dropped by a
 * relcache callback on the three calendar tables; a statement trigger on
 * those tables sends that invalidation (data changes send none by
 * themselves).  Each statement's first call accepts pending invalidations,
 * so a committed change is seen by the next statement of every session,
 * and the session's own change by its next statement.  Calendars are read
 * with a fresh catalog-style snapshot: the latest committed rows plus the
 * transaction's own changes, like the system catalogs.
 */
#include "ccr_metrics.h"

/* server headers with inline functions that -Wextra flags */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#pragma GCC diagnostic pop
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/inval.h"
#include "utils/memutils.h"

/* calendar_timezone_ok(timezone text): CHECK of ccr.calendars.timezone */
PG_FUNCTION_INFO_V1(ccr_calendar_timezone_ok);
Datum
ccr_calendar_timezone_ok(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	pg_tz	   *tz;

	tz = (strlen(name) <= TZ_STRLEN_MAX) ? pg_tzset(name) : NULL;
	if (tz == NULL || !pg_tz_acceptable(tz))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid time zone \"%s\" for a calendar", name),
				 errhint("Use a name from pg_timezone_names, such as \"Europe/Helsinki\".")));
	PG_RETURN_BOOL(true);
}

/* calendar_hours_ok(isodow, opens, closes): CHECK of ccr.calendar_hours */
PG_FUNCTION_INFO_V1(ccr_calendar_hours_ok);
Datum
ccr_calendar_hours_ok(PG_FUNCTION_ARGS)
{
	int32		isodow = PG_GETARG_INT32(0);
	TimeADT		opens = PG_GETARG_TIMEADT(1);
	TimeADT		closes = PG_GETARG_TIMEADT(2);

	if (isodow < 1 || isodow > 7)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calendar hours isodow must be between 1 (Monday) and 7 (Sunday), got %d", isodow)));
	if (closes <= opens)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calendar hours closes (%s) must be after opens (%s)",
						DatumGetCString(DirectFunctionCall1(time_out, TimeADTGetDatum(closes))),
						DatumGetCString(DirectFunctionCall1(time_out, TimeADTGetDatum(opens)))),
				 errhint("Use 24:00 for closing at midnight; split hours past midnight into two days.")));
	PG_RETURN_BOOL(true);
}

/*
 * calendar_changed(): statement trigger on the calendar tables.  Data changes
 * send no invalidation by themselves, so we send a relcache invalidation of
 * the changed table: it is processed by this backend at the end of the
 * command and by every other backend once the transaction commits, and our
 * relcache callback drops the compiled calendars.
 */
PG_FUNCTION_INFO_V1(ccr_calendar_changed);
Datum
ccr_calendar_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "ccr.calendar_changed must be called as a trigger");
	CacheInvalidateRelcache(trigdata->tg_relation);
	PG_RETURN_POINTER(NULL);
}


/* ---------------------------------------------------------------------
 * Compiled calendars
 * --------------------------------------------------------------------- */

static inline int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

#define USECS_PER_WEEK (7 * USECS_PER_DAY)
/* pg_time_t counts seconds from 1970, timestamps microseconds from 2000 */
#define UNIX_TO_PG_SECS ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

static inline pg_time_t
ts_to_pgtime(int64 t)
{
	return (pg_time_t) (floor_div(t, USECS_PER_SEC) + UNIX_TO_PG_SECS);
}

static inline int64
pgtime_to_ts(pg_time_t secs)
{
	return ((int64) secs - UNIX_TO_PG_SECS) * USECS_PER_SEC;
}

typedef struct WeekSpan
{
	int64		lo;				/* from the start of the week (Saturday 00:00) */
	int64		hi;
	int64		cum;			/* open time of the week before lo */
} WeekSpan;

typedef struct Calendar
{
	struct Calendar *next;
	char	   *name;
	pg_tz	   *tz;
	/* week template: merged open spans; PG day 0 (2000-01-01) is a Saturday */
	int			nspan;
	WeekSpan   *span;
	int			day_first[7];	/* first span with hi > j * day */
	int64		span_day_cum[7];	/* open time of the week before day j */
	int64		week_total;
	/* holidays that cost open time, sorted: local midnight as wall time */
	int			nhol;
	int64	   *hol_lo;
	int64	   *hol_cum;		/* nhol + 1 prefix sums of their open time */
	/* the same by local date, for dates hol_day0 .. hol_day0 + hol_ndays - 1:
	 * open time of the holidays before each date (NULL when too wide) */
	int64		hol_day0;
	int64		hol_ndays;
	int64	   *hol_by_day;		/* hol_ndays + 1 entries */
	/* UTC-offset changes within [tr_lo, tr_hi) */
	int			ntr;
	int64	   *tr_at;
	int64	   *tr_off;			/* offset from tr_at[i] on */
	int64		off0;			/* offset at tr_lo */
	int64	   *tr_cum;			/* ntr + 1 prefix sums of corrections */
	int32	   *tr_bucket;		/* per TR_BUCKET of [tr_lo, tr_hi): first index at or after it */
} Calendar;

static MemoryContext cal_cxt = NULL;
static Calendar *cal_list = NULL;
static uint64 cal_generation = 1;
static bool cal_stale = false;
static bool cal_callback_registered = false;
static Oid	cal_relids[3] = {InvalidOid, InvalidOid, InvalidOid};
static int64 tr_lo = 0,
			tr_hi = 0;

static const char *const cal_relnames[3] = {"calendars", "calendar_hours", "calendar_holidays"};

static void
cal_inval_callback(Datum arg, Oid relid)
{
	(void) arg;
	if (relid == InvalidOid || relid == cal_relids[0] ||
		relid == cal_relids[1] || relid == cal_relids[2])
	{
		cal_generation++;
		cal_stale = true;
	}
}

static void
cal_reset(void)
{
	if (cal_cxt)
		MemoryContextReset(cal_cxt);
	cal_list = NULL;
	cal_relids[0] = cal_relids[1] = cal_relids[2] = InvalidOid;
	cal_stale = false;
}

/* transitions are found through buckets of 2^41 us (25.5 days) */
#define TR_BUCKET_SHIFT 41
/* widest holiday range kept as a per-date table (about 110 years) */
#define HOL_MAX_DAYS 40000

/* open time of the week template before position pos in [0, week] */
static inline int64
week_open_before(const Calendar *cal, int64 pos)
{
	int			j = (int) (pos / USECS_PER_DAY);
	int			i;

	if (j > 6)
		return cal->week_total;
	for (i = cal->day_first[j]; i < cal->nspan && cal->span[i].hi <= pos; i++)
		;
	if (i == cal->nspan)
		return cal->week_total;
	return cal->span[i].cum + Max(0, pos - cal->span[i].lo);
}

/* template open time before wall time w (no holidays) */
static inline int64
tmpl_open(const Calendar *cal, int64 w)
{
	int64		wk = floor_div(w, USECS_PER_WEEK);

	return wk * cal->week_total + week_open_before(cal, w - wk * USECS_PER_WEEK);
}

/* number of holidays starting before wall time w */
static inline int
hol_count_before(const Calendar *cal, int64 w)
{
	int			lo = 0,
				hi = cal->nhol;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cal->hol_lo[mid] < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* C(w): open time before wall time w, holidays taken out */
static inline int64
cal_open(const Calendar *cal, int64 w)
{
	int64		day,
				wk,
				before;
	int			j,
				i;

	if (cal->nhol > 0 && cal->hol_by_day == NULL)
	{
		/* wide holiday range: binary search */
		int			k = hol_count_before(cal, w);

		if (k > 0 && w < cal->hol_lo[k - 1] + USECS_PER_DAY)
			return tmpl_open(cal, cal->hol_lo[k - 1]) - cal->hol_cum[k - 1];
		return tmpl_open(cal, w) - cal->hol_cum[k];
	}
	/* one division for the date; the week and the day in it follow */
	day = floor_div(w, USECS_PER_DAY);
	wk = floor_div(day, 7);
	j = (int) (day - wk * 7);
	before = 0;
	if (cal->nhol > 0 && day >= cal->hol_day0)
	{
		int64		d = day - cal->hol_day0;

		if (d >= cal->hol_ndays)
			before = cal->hol_cum[cal->nhol];
		else
		{
			before = cal->hol_by_day[d];
			if (cal->hol_by_day[d + 1] != before)
				/* a holiday: flat at its start */
				return wk * cal->week_total + cal->span_day_cum[j] - before;
		}
	}
	{
		int64		pos = w - wk * USECS_PER_WEEK;

		for (i = cal->day_first[j]; i < cal->nspan && cal->span[i].hi <= pos; i++)
			;
		if (i == cal->nspan)
			return (wk + 1) * cal->week_total - before;
		return wk * cal->week_total + cal->span[i].cum + Max(0, pos - cal->span[i].lo) - before;
	}
}

/* smallest wall time w with tmpl_open(w) >= u (week_total > 0) */
static int64
tmpl_reach(const Calendar *cal, int64 u)
{
	int64		wk = floor_div(u - 1, cal->week_total);
	int64		r = u - wk * cal->week_total;	/* in (0, week_total] */
	int			lo = 0,
				hi = cal->nspan - 1;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cal->span[mid].cum + (cal->span[mid].hi - cal->span[mid].lo) >= r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return wk * USECS_PER_WEEK + cal->span[lo].lo + (r - cal->span[lo].cum);
}

/* largest wall time w with tmpl_open(w) <= u (week_total > 0) */
static int64
tmpl_leave(const Calendar *cal, int64 u)
{
	int64		wk = floor_div(u, cal->week_total);
	int64		r = u - wk * cal->week_total;	/* in [0, week_total) */
	int			lo = 0,
				hi = cal->nspan - 1;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cal->span[mid].cum + (cal->span[mid].hi - cal->span[mid].lo) > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return wk * USECS_PER_WEEK + cal->span[lo].lo + (r - cal->span[lo].cum);
}

/*
 * Smallest wall time w > from with C(w) >= v, where C(from) < v.  Each
 * holiday met pushes the answer past it; holidays already started at from
 * are counted whole (the answer is past them).
 */
static int64
cal_reach(const Calendar *cal, int64 from, int64 v)
{
	int			k = hol_count_before(cal, from);
	int64		w = tmpl_reach(cal, v + (cal->nhol ? cal->hol_cum[k] : 0));

	while (k < cal->nhol && cal->hol_lo[k] < w)
	{
		k++;
		w = tmpl_reach(cal, v + cal->hol_cum[k]);
	}
	return w;
}

/* Largest wall time w < from with C(w) <= v, where C(from) > v. */
static int64
cal_leave(const Calendar *cal, int64 from, int64 v)
{
	int			k;
	int64		w;

	if (cal->nhol == 0)
		return tmpl_leave(cal, v);
	/* holidays that ended by from */
	k = hol_count_before(cal, from - USECS_PER_DAY + 1);
	w = tmpl_leave(cal, v + cal->hol_cum[k]);
	while (k > 0 && cal->hol_lo[k - 1] + USECS_PER_DAY > w)
	{
		k--;
		w = tmpl_leave(cal, v + cal->hol_cum[k]);
	}
	return w;
}

/* ---------------------------------------------------------------------
 * Time zone offsets
 * --------------------------------------------------------------------- */

static int64
tz_offset_slow(const Calendar *cal, int64 t)
{
	pg_time_t	secs = ts_to_pgtime(t);
	struct pg_tm *tm = pg_localtime(&secs, cal->tz);

	if (tm == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for calendar \"%s\"", cal->name)));
	return (int64) tm->tm_gmtoff * USECS_PER_SEC;
}

/* number of offset changes at or before t, t in [tr_lo, tr_hi] */
static inline int
tr_index(Calendar *cal, int64 t)
{
	int			i = cal->tr_bucket[(t - tr_lo) >> TR_BUCKET_SHIFT];

	while (i < cal->ntr && cal->tr_at[i] <= t)
		i++;
	return i;
}

static inline int64
tr_offset(const Calendar *cal, int idx)
{
	return idx == 0 ? cal->off0 : cal->tr_off[idx - 1];
}

/* business time of [s, f), s <= f, walking the zone's transitions */
static int64
business_slow(const Calendar *cal, int64 s, int64 f)
{
	int64		o = tz_offset_slow(cal, s);
	int64		acc = -cal_open(cal, s + o);
	pg_time_t	q = ts_to_pgtime(s);
	pg_time_t	flast = ts_to_pgtime(f);

	for (;;)
	{
		long int	before_off,
					after_off;
		int			before_dst,
					after_dst;
		pg_time_t	bnd;
		int64		b;

		CHECK_FOR_INTERRUPTS();
		if (pg_next_dst_boundary(&q, &before_off, &before_dst, &bnd,
								 &after_off, &after_dst, cal->tz) != 1)
			break;
		if (bnd > flast)
			break;
		b = pgtime_to_ts(bnd);
		if (b > f)
			break;
		if (b > s && (int64) after_off * USECS_PER_SEC != o)
		{
			int64		o2 = (int64) after_off * USECS_PER_SEC;

			acc += cal_open(cal, b + o) - cal_open(cal, b + o2);
			o = o2;
		}
		q = (bnd >= q) ? bnd + 1 : q + 1;
	}
	return acc + cal_open(cal, f + o);
}

/* business time of [s, f), s <= f, both in [tr_lo, tr_hi] */
static inline int64
business_fast(Calendar *cal, int64 s, int64 f)
{
	int			is = tr_index(cal, s);
	int			jf = tr_index(cal, f);

	return cal_open(cal, f + tr_offset(cal, jf)) - cal_open(cal, s + tr_offset(cal, is))
		+ cal->tr_cum[jf] - cal->tr_cum[is];
}

/* business time of [s, f), s <= f */
static int64
business_usec(Calendar *cal, int64 s, int64 f)
{
	int64		acc = 0;

	if (s < tr_lo)
	{
		int64		m = Min(f, tr_lo);

		acc += business_slow(cal, s, m);
		s = m;
	}
	if (s < f && s < tr_hi)
	{
		int64		m = Min(f, tr_hi);

		acc += business_fast(cal, s, m);
		s = m;
	}
	if (s < f)
		acc += business_slow(cal, s, f);
	return acc;
}

/* ---------------------------------------------------------------------
 * business_add
 * --------------------------------------------------------------------- */

static void
add_out_of_range(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("business_add result is out of the timestamp range")));
}

/* smallest t >= s with business(s, t) >= x (x > 0), by bisection */
static int64
add_bisect_forward(Calendar *cal, int64 s, int64 x)
{
	int64		lo = s,
				hi,
				step = x;

	for (;;)
	{
		if (pg_add_s64_overflow(s, step, &hi) || hi >= END_TIMESTAMP)
		{
			hi = END_TIMESTAMP - 1;
			if (business_usec(cal, s, hi) < x)
				add_out_of_range();
			break;
		}
		if (business_usec(cal, s, hi) >= x)
			break;
		lo = hi;
		step = (step > PG_INT64_MAX / 4) ? PG_INT64_MAX / 2 : step * 2;
	}
	while (hi - lo > 1)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (business_usec(cal, s, mid) >= x)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* largest t <= s with business(t, s) >= y (y > 0), by bisection */
static int64
add_bisect_backward(Calendar *cal, int64 s, int64 y)
{
	int64		hi = s,
				lo,
				step = y;

	for (;;)
	{
		if (pg_sub_s64_overflow(s, step, &lo) || lo < MIN_TIMESTAMP)
		{
			lo = MIN_TIMESTAMP;
			if (business_usec(cal, lo, s) < y)
				add_out_of_range();
			break;
		}
		if (business_usec(cal, lo, s) >= y)
			break;
		hi = lo;
		step = (step > PG_INT64_MAX / 4) ? PG_INT64_MAX / 2 : step * 2;
	}
	while (hi - lo > 1)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (business_usec(cal, mid, s) >= y)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The instant at which x business microseconds have passed since s, moving
 * forward (x > 0: the first such instant) or backward (x < 0: the first such
 * instant met going back, i.e. the latest).  Walks the offset segments of the
 * table; outside it falls back to bisection on business_usec.
 */
static int64
business_add_usec(Calendar *cal, int64 s, int64 x)
{
	int64		cur = s;

	if (x == 0)
		return s;
	if (x > 0)
	{
		while (cur >= tr_lo && cur < tr_hi)
		{
			int			idx = tr_index(cal, cur);
			int64		o = tr_offset(cal, idx);
			int64		end = idx < cal->ntr ? cal->tr_at[idx] : tr_hi;
			int64		c0 = cal_open(cal, cur + o);
			int64		avail = cal_open(cal, end + o) - c0;

			if (x <= avail)
				return cal_reach(cal, cur + o, c0 + x) - o;
			x -= avail;
			cur = end;
		}
		return add_bisect_forward(cal, cur, x);
	}
	else
	{
		int64		y = -x;

		while (cur > tr_lo && cur <= tr_hi)
		{
			int			idx = tr_index(cal, cur - 1);
			int64		o = tr_offset(cal, idx);
			int64		start = idx > 0 ? cal->tr_at[idx - 1] : tr_lo;
			int64		c1 = cal_open(cal, cur + o);
			int64		avail = c1 - cal_open(cal, start + o);

			if (y <= avail)
				return cal_leave(cal, cur + o, c1 - y) - o;
			y -= avail;
			cur = start;
		}
		return add_bisect_backward(cal, cur, y);
	}
}

/* ---------------------------------------------------------------------
 * Loading and compiling
 * --------------------------------------------------------------------- */

typedef struct RawHours
{
	int64		lo;
	int64		hi;
} RawHours;

static int
rawhours_cmp(const void *a, const void *b)
{
	const RawHours *x = a,
			   *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return (x > y) - (x < y);
}

static void
cal_resolve_relids(void)
{
	Oid			nsp;
	int			i;

	if (OidIsValid(cal_relids[0]))
		return;
	nsp = get_namespace_oid("ccr", true);
	for (i = 0; i < 3; i++)
	{
		Oid			r = OidIsValid(nsp) ? get_relname_relid(cal_relnames[i], nsp) : InvalidOid;

		if (!OidIsValid(r))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("table ccr.%s is missing", cal_relnames[i])));
		cal_relids[i] = r;
	}
}

static bool
text_matches(Datum d, const char *name)
{
	char	   *s = TextDatumGetCString(d);
	bool		r = strcmp(s, name) == 0;

	pfree(s);
	return r;
}

/*
 * Reading a calendar: its time zone, its opening hours as spans of the week
 * (0 = Saturday 00:00), its holidays as local midnights, each from one scan
 * of its table in a fresh snapshot.  22023 for an unknown calendar or bad
 * hours.
 */
static char *
cal_read_timezone(Relation rel, const char *name)
{
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *tzname = NULL;

	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, 1, RelationGetDescr(rel), &isnull);

		if (!isnull && text_matches(d, name))
		{
			d = heap_getattr(tup, 2, RelationGetDescr(rel), &isnull);
			if (!isnull)
				tzname = TextDatumGetCString(d);
			break;
		}
	}
	systable_endscan(scan);
	if (tzname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown calendar \"%s\"", name),
				 errhint("Calendars are rows of ccr.calendars.")));

	return tzname;
}

static RawHours *
cal_read_hours(Relation rel, const char *name, int *nhoursp)
{
	SysScanDesc scan;
	HeapTuple	tup;
	RawHours   *hours;
	int			nhours = 0,
				maxhours = 16;

	hours = palloc(maxhours * sizeof(RawHours));
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		TupleDesc	desc = RelationGetDescr(rel);
		bool		n1,
					n2,
					n3,
					n4;
		Datum		c = heap_getattr(tup, 1, desc, &n1);
		Datum		dow = heap_getattr(tup, 2, desc, &n2);
		Datum		op = heap_getattr(tup, 3, desc, &n3);
		Datum		cl = heap_getattr(tup, 4, desc, &n4);
		int32		isodow;
		int			j;

		if (n1 || n2 || n3 || n4 || !text_matches(c, name))
			continue;
		isodow = DatumGetInt32(dow);
		if (isodow < 1 || isodow > 7 || DatumGetTimeADT(cl) <= DatumGetTimeADT(op))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("calendar \"%s\" has invalid hours on isodow %d", name, isodow)));
		if (nhours == maxhours)
		{
			maxhours *= 2;
			hours = repalloc(hours, maxhours * sizeof(RawHours));
		}
		/* week index: 0 = Saturday (PG day 0 is Saturday 2000-01-01) */
		j = (isodow + 1) % 7;
		hours[nhours].lo = j * USECS_PER_DAY + DatumGetTimeADT(op);
		hours[nhours].hi = j * USECS_PER_DAY + DatumGetTimeADT(cl);
		nhours++;
	}
	systable_endscan(scan);

	*nhoursp = nhours;
	return hours;
}

static int64 *
cal_read_holidays(Relation rel, const char *name, int *nholsp)
{
	SysScanDesc scan;
	HeapTuple	tup;
	int64	   *hols;
	int			nhols = 0,
				maxhols = 16;

	hols = palloc(maxhols * sizeof(int64));
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		TupleDesc	desc = RelationGetDescr(rel);
		bool		n1,
					n2;
		Datum		c = heap_getattr(tup, 1, desc, &n1);
		Datum		day = heap_getattr(tup, 2, desc, &n2);

		if (n1 || n2 || !text_matches(c, name) || DATE_NOT_FINITE(DatumGetDateADT(day)))
			continue;
		if (nhols == maxhols)
		{
			maxhols *= 2;
			hols = repalloc(hols, maxhols * sizeof(int64));
		}
		hols[nhols++] = (int64) DatumGetDateADT(day) * USECS_PER_DAY;
	}
	systable_endscan(scan);
	*nholsp = nhols;
	return hols;
}

/*
 * Compiling it (in cal_cxt): the merged week template with running totals,
 * the holidays that cost open time with their running totals (and a per-day
 * table when they span few enough days), and the zone's UTC-offset changes
 * in [tr_lo, tr_hi) with the open time each one adds or removes.
 */
static void
cal_compile_week(Calendar *cal, RawHours *hours, int nhours)
{
	int			i;

	/* week template: sorted, overlapping or touching spans merged */
	qsort(hours, nhours, sizeof(RawHours), rawhours_cmp);
	cal->span = palloc(Max(nhours, 1) * sizeof(WeekSpan));
	for (i = 0; i < nhours; i++)
	{
		if (cal->nspan > 0 && hours[i].lo <= cal->span[cal->nspan - 1].hi)
			cal->span[cal->nspan - 1].hi = Max(cal->span[cal->nspan - 1].hi, hours[i].hi);
		else
		{
			cal->span[cal->nspan].lo = hours[i].lo;
			cal->span[cal->nspan].hi = hours[i].hi;
			cal->nspan++;
		}
	}
	for (i = 0; i < cal->nspan; i++)
	{
		cal->span[i].cum = cal->week_total;
		cal->week_total += cal->span[i].hi - cal->span[i].lo;
	}
	for (i = 0; i < 7; i++)
	{
		int			k = 0;

		while (k < cal->nspan && cal->span[k].hi <= i * USECS_PER_DAY)
			k++;
		cal->day_first[i] = k;
	}
	for (i = 0; i < 7; i++)
		cal->span_day_cum[i] = week_open_before(cal, i * USECS_PER_DAY);

}

static void
cal_compile_holidays(Calendar *cal, int64 *hols, int nhols)
{
	int			i;

	/* holidays: sorted, distinct, only those that cost open time */
	qsort(hols, nhols, sizeof(int64), int64_cmp);
	cal->hol_lo = palloc(Max(nhols, 1) * sizeof(int64));
	cal->hol_cum = palloc((nhols + 1) * sizeof(int64));
	cal->hol_cum[0] = 0;
	for (i = 0; i < nhols; i++)
	{
		int64		cost;

		if (i > 0 && hols[i] == hols[i - 1])
			continue;
		cost = tmpl_open(cal, hols[i] + USECS_PER_DAY) - tmpl_open(cal, hols[i]);
		if (cost == 0)
			continue;
		cal->hol_lo[cal->nhol] = hols[i];
		cal->hol_cum[cal->nhol + 1] = cal->hol_cum[cal->nhol] + cost;
		cal->nhol++;
	}
	if (cal->nhol > 0)
	{
		int64		first = cal->hol_lo[0] / USECS_PER_DAY;
		int64		ndays = cal->hol_lo[cal->nhol - 1] / USECS_PER_DAY - first + 1;

		/* holidays are whole local dates: hol_lo is a multiple of a day */
		if (ndays <= HOL_MAX_DAYS)
		{
			int			k = 0;
			int64		d;

			cal->hol_day0 = first;
			cal->hol_ndays = ndays;
			cal->hol_by_day = palloc((ndays + 1) * sizeof(int64));
			for (d = 0; d <= ndays; d++)
			{
				while (k < cal->nhol && cal->hol_lo[k] < (first + d) * USECS_PER_DAY)
					k++;
				cal->hol_by_day[d] = cal->hol_cum[k];
			}
		}
	}

}

static void
cal_compile_transitions(Calendar *cal)
{
	int			i;

	{
		int			maxtr = 64;
		int64		o;
		pg_time_t	q = ts_to_pgtime(tr_lo);
		pg_time_t	qend = ts_to_pgtime(tr_hi);

		cal->tr_at = palloc(maxtr * sizeof(int64));
		cal->tr_off = palloc(maxtr * sizeof(int64));
		cal->off0 = o = tz_offset_slow(cal, tr_lo);
		for (;;)
		{
			long int	before_off,
						after_off;
			int			before_dst,
						after_dst;
			pg_time_t	bnd;

			if (pg_next_dst_boundary(&q, &before_off, &before_dst, &bnd,
									 &after_off, &after_dst, cal->tz) != 1 ||
				bnd >= qend)
				break;
			if (bnd >= q && (int64) after_off * USECS_PER_SEC != o &&
				pgtime_to_ts(bnd) > tr_lo)
			{
				if (cal->ntr == maxtr)
				{
					maxtr *= 2;
					cal->tr_at = repalloc(cal->tr_at, maxtr * sizeof(int64));
					cal->tr_off = repalloc(cal->tr_off, maxtr * sizeof(int64));
				}
				o = (int64) after_off * USECS_PER_SEC;
				cal->tr_at[cal->ntr] = pgtime_to_ts(bnd);
				cal->tr_off[cal->ntr] = o;
				cal->ntr++;
			}
			q = (bnd >= q) ? bnd + 1 : q + 1;
		}
		cal->tr_cum = palloc((cal->ntr + 1) * sizeof(int64));
		cal->tr_cum[0] = 0;
		for (i = 0; i < cal->ntr; i++)
		{
			int64		before = tr_offset(cal, i);

			cal->tr_cum[i + 1] = cal->tr_cum[i]
				+ cal_open(cal, cal->tr_at[i] + before)
				- cal_open(cal, cal->tr_at[i] + cal->tr_off[i]);
		}
		{
			int64		nb = ((tr_hi - tr_lo) >> TR_BUCKET_SHIFT) + 2;
			int64		b;
			int			k = 0;

			cal->tr_bucket = palloc(nb * sizeof(int32));
			for (b = 0; b < nb; b++)
			{
				while (k < cal->ntr && cal->tr_at[k] < tr_lo + (b << TR_BUCKET_SHIFT))
					k++;
				cal->tr_bucket[b] = k;
			}
		}
	}
}

/* Reads and compiles calendar `name` into cal_cxt; 22023 when unknown. */
static Calendar *
cal_load(const char *name)
{
	Relation	rels[3];
	char	   *tzname;
	RawHours   *hours;
	int			nhours;
	int64	   *hols;
	int			nhols;
	Calendar   *cal;
	MemoryContext old;
	int			i;

	cal_resolve_relids();
	/* locks first: acquiring them may process invalidations */
	for (i = 0; i < 3; i++)
		rels[i] = table_open(cal_relids[i], AccessShareLock);
	if (cal_stale)
	{
		Oid			keep[3];

		memcpy(keep, cal_relids, sizeof(keep));
		cal_reset();
		memcpy(cal_relids, keep, sizeof(keep));
	}
	tzname = cal_read_timezone(rels[0], name);
	hours = cal_read_hours(rels[1], name, &nhours);
	hols = cal_read_holidays(rels[2], name, &nhols);
	for (i = 0; i < 3; i++)
		table_close(rels[i], AccessShareLock);

	if (cal_cxt == NULL)
		cal_cxt = AllocSetContextCreate(CacheMemoryContext, "ccr business calendars",
										ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cal_cxt);
	cal = palloc0(sizeof(Calendar));
	cal->name = pstrdup(name);
	cal->tz = (strlen(tzname) <= TZ_STRLEN_MAX) ? pg_tzset(tzname) : NULL;
	if (cal->tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calendar \"%s\" has an invalid time zone \"%s\"", name, tzname)));
	cal_compile_week(cal, hours, nhours);
	cal_compile_holidays(cal, hols, nhols);
	cal_compile_transitions(cal);
	MemoryContextSwitchTo(old);
	pfree(hours);
	pfree(hols);

	cal->next = cal_list;
	cal_list = cal;
	return cal;
}

static Calendar *
cal_lookup(const char *name)
{
	Calendar   *cal;

	if (!cal_callback_registered)
	{
		CacheRegisterRelcacheCallback(cal_inval_callback, (Datum) 0);
		cal_callback_registered = true;
		tr_lo = (int64) (date2j(1800, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
		tr_hi = (int64) (date2j(2400, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
	}
	if (cal_stale)
		cal_reset();
	for (cal = cal_list; cal; cal = cal->next)
		if (strcmp(cal->name, name) == 0)
			return cal;
	return cal_load(name);
}

/*
 * Per call site cache: the calendar last used there, valid while no
 * invalidation has arrived.  Pending invalidations are accepted at the
 * first call of each statement.
 */
typedef struct CalCallCache
{
	uint64		generation;
	TimestampTz stmt_start;
	Calendar   *cal;
	int			namelen;
	char		name[FLEXIBLE_ARRAY_MEMBER];
} CalCallCache;

static Calendar *
cal_for_call(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	CalCallCache *cc = (CalCallCache *) fcinfo->flinfo->fn_extra;
	text	   *t;
	int			len;
	TimestampTz stmt = GetCurrentStatementStartTimestamp();
	char	   *name;
	Calendar   *cal;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: calendar must not be NULL", fname)));
	t = PG_GETARG_TEXT_PP(argno);
	len = VARSIZE_ANY_EXHDR(t);

	if (cc == NULL || cc->stmt_start != stmt)
	{
		AcceptInvalidationMessages();
		if (cc)
			cc->stmt_start = stmt;
	}
	if (cc && cc->generation == cal_generation && !cal_stale &&
		cc->namelen == len && memcmp(cc->name, VARDATA_ANY(t), len) == 0)
		return cc->cal;

	name = text_to_cstring(t);
	cal = cal_lookup(name);
	pfree(name);
	if (cc == NULL || cc->namelen < len)
	{
		if (cc)
			pfree(cc);
		cc = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
								offsetof(CalCallCache, name) + Max(len, 32));
		fcinfo->flinfo->fn_extra = cc;
	}
	cc->generation = cal_generation;
	cc->stmt_start = stmt;
	cc->cal = cal;
	cc->namelen = len;
	memcpy(cc->name, VARDATA_ANY(t), len);
	return cal;
}

static inline void
check_finite(TimestampTz t, const char *fname, const char *param)
{
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s must be finite, got %s", fname, param,
						TIMESTAMP_IS_NOBEGIN(t) ? "-infinity" : "infinity")));
}

/* business_seconds(start timestamptz, finish timestamptz, calendar text) */
PG_FUNCTION_INFO_V1(ccr_business_seconds);
Datum
ccr_business_seconds(PG_FUNCTION_ARGS)
{
	Calendar   *cal = cal_for_call(fcinfo, 2, "business_seconds");
	TimestampTz s,
				f;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	s = PG_GETARG_TIMESTAMPTZ(0);
	f = PG_GETARG_TIMESTAMPTZ(1);
	check_finite(s, "business_seconds", "start");
	check_finite(f, "business_seconds", "finish");
	if (f >= s)
		PG_RETURN_FLOAT8((double) business_usec(cal, s, f) / USECS_PER_SEC);
	PG_RETURN_FLOAT8(-((double) business_usec(cal, f, s) / USECS_PER_SEC));
}

/* business_add(start timestamptz, seconds double precision, calendar text) */
PG_FUNCTION_INFO_V1(ccr_business_add);
Datum
ccr_business_add(PG_FUNCTION_ARGS)
{
	Calendar   *cal = cal_for_call(fcinfo, 2, "business_add");
	TimestampTz s;
	double		secs,
				us;
	int64		x;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	s = PG_GETARG_TIMESTAMPTZ(0);
	secs = PG_GETARG_FLOAT8(1);
	check_finite(s, "business_add", "start");
	if (isnan(secs) || isinf(secs))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("business_add: seconds must be finite, got %g", secs)));
	us = rint(secs * USECS_PER_SEC);
	if (!FLOAT8_FITS_IN_INT64(us))
		add_out_of_range();
	x = (int64) us;
	if (x != 0 && cal->week_total == 0)
		/* never open: the time is never reached */
		PG_RETURN_TIMESTAMPTZ(x > 0 ? DT_NOEND : DT_NOBEGIN);
	PG_RETURN_TIMESTAMPTZ(business_add_usec(cal, s, x));
}
