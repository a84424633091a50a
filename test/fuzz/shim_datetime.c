/*
 * shim_datetime.c
 *		Date/time services for the fuzz harness, with the session time zone
 *		fixed at UTC.
 *
 * Summary types whose text form holds timestamps (backlog) call the
 * server's timestamptz_in/out.  Those parsers are PostgreSQL's own (and
 * fuzzed upstream); here they only need to agree with each other so the
 * extension's parser around them can be fuzzed: timestamptz_in accepts the
 * ISO forms the output writes ("2026-01-01T00:00:00.5+00:00", "... BC",
 * "infinity") and rejects anything else with SQLSTATE 22007.
 */
#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "pgtime.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

const int	day_tab[2][13] =
{
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0}
};

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant) */
static int64
days_from_civil(int64 y, int m, int d)
{
	int64		era;
	int64		yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64 z, int64 *y, int *m, int *d)
{
	int64		era,
				doe,
				yoe,
				doy,
				mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y += *m <= 2;
}

#define EPOCH_DIFF_DAYS 10957	/* 1970-01-01 to 2000-01-01 */

int
timestamp2tm(Timestamp dt, int *tzp, struct pg_tm *tm, fsec_t *fsec, const char **tzn, pg_tz *attimezone)
{
	int64		days,
				time,
				y;
	int			m,
				d;

	(void) attimezone;
	if (TIMESTAMP_NOT_FINITE(dt) || !IS_VALID_TIMESTAMP(dt))
		return -1;
	days = dt / USECS_PER_DAY;
	time = dt % USECS_PER_DAY;
	if (time < 0)
	{
		time += USECS_PER_DAY;
		days--;
	}
	civil_from_days(days + EPOCH_DIFF_DAYS, &y, &m, &d);
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int) y;
	tm->tm_mon = m;
	tm->tm_mday = d;
	tm->tm_hour = (int) (time / USECS_PER_HOUR);
	tm->tm_min = (int) (time / USECS_PER_MINUTE % 60);
	tm->tm_sec = (int) (time / USECS_PER_SEC % 60);
	*fsec = (fsec_t) (time % USECS_PER_SEC);
	if (tzp)
		*tzp = 0;
	if (tzn)
		*tzn = "UTC";
	return 0;
}

int
tm2timestamp(struct pg_tm *tm, fsec_t fsec, int *tzp, Timestamp *dt)
{
	int64		days = days_from_civil(tm->tm_year, tm->tm_mon, tm->tm_mday) - EPOCH_DIFF_DAYS;
	int64		t;

	/* as the backend: out of range, not an overflow (INT64_MAX is 106,751,991 days) */
	if (days < -3000000 || days > 106751989)
		return -1;
	t = days * USECS_PER_DAY + ((int64) tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec) * USECS_PER_SEC + fsec;
	if (tzp)
		t += (int64) *tzp * USECS_PER_SEC;
	if (!IS_VALID_TIMESTAMP(t))
		return -1;
	*dt = t;
	return 0;
}

void
EncodeDateTime(struct pg_tm *tm, fsec_t fsec, bool print_tz, int tz, const char *tzn, int style, char *str)
{
	int			year = tm->tm_year > 0 ? tm->tm_year : -(tm->tm_year - 1);

	(void) tzn;
	(void) style;
	str += sprintf(str, "%04d-%02d-%02dT%02d:%02d:%02d", year, tm->tm_mon, tm->tm_mday,
				   tm->tm_hour, tm->tm_min, tm->tm_sec);
	if (fsec != 0)
	{
		char		frac[8];
		int			n;

		sprintf(frac, "%06d", (int) fsec);
		for (n = 6; frac[n - 1] == '0'; n--)
			frac[n - 1] = '\0';
		str += sprintf(str, ".%s", frac);
	}
	if (print_tz)
		str += sprintf(str, "%+03d:%02d", -tz / 3600, abs(tz) / 60 % 60);
	if (tm->tm_year <= 0)
		sprintf(str, " BC");
}

static void
bad_ts(const char *s)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
			 errmsg("invalid input syntax for type timestamp with time zone: \"%s\"", s)));
}

static int
digits(const char **p, int n, const char *s)
{
	int			v = 0;

	for (int i = 0; i < n; i++, (*p)++)
	{
		if (**p < '0' || **p > '9')
			bad_ts(s);
		v = v * 10 + (**p - '0');
	}
	return v;
}

Datum
timestamptz_in(PG_FUNCTION_ARGS)
{
	const char *s = PG_GETARG_CSTRING(0);
	const char *p = s;
	struct pg_tm tm;
	fsec_t		fsec = 0;
	int			tz = 0;
	TimestampTz t;

	if (strcmp(s, "infinity") == 0)
		PG_RETURN_TIMESTAMPTZ(DT_NOEND);
	if (strcmp(s, "-infinity") == 0)
		PG_RETURN_TIMESTAMPTZ(DT_NOBEGIN);
	memset(&tm, 0, sizeof(tm));
	{
		int			n = 0;

		while (p[n] >= '0' && p[n] <= '9')
			n++;
		if (n < 4 || n > 6)
			bad_ts(s);
		tm.tm_year = digits(&p, n, s);
	}
	if (*p++ != '-')
		bad_ts(s);
	tm.tm_mon = digits(&p, 2, s);
	if (*p++ != '-')
		bad_ts(s);
	tm.tm_mday = digits(&p, 2, s);
	if (*p != 'T' && *p != ' ')
		bad_ts(s);
	p++;
	tm.tm_hour = digits(&p, 2, s);
	if (*p++ != ':')
		bad_ts(s);
	tm.tm_min = digits(&p, 2, s);
	if (*p++ != ':')
		bad_ts(s);
	tm.tm_sec = digits(&p, 2, s);
	if (*p == '.')
	{
		int			n = 0;

		p++;
		while (p[n] >= '0' && p[n] <= '9')
			n++;
		if (n < 1 || n > 6)
			bad_ts(s);
		fsec = digits(&p, n, s);
		while (n++ < 6)
			fsec *= 10;
	}
	if (*p == '+' || *p == '-')
	{
		int			sign = *p++ == '-' ? -1 : 1;
		int			h = digits(&p, 2, s);
		int			m = 0;

		if (*p == ':')
		{
			p++;
			m = digits(&p, 2, s);
		}
		if (h > 15 || m > 59)
			bad_ts(s);
		tz = -sign * (h * 3600 + m * 60);
	}
	else if (*p == 'Z')
		p++;
	if (strcmp(p, " BC") == 0)
	{
		if (tm.tm_year == 0)
			bad_ts(s);
		tm.tm_year = -(tm.tm_year - 1);
	}
	else if (*p != '\0')
		bad_ts(s);
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
		tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1] ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
				 errmsg("date/time field value out of range: \"%s\"", s)));
	if (tm2timestamp(&tm, fsec, &tz, &t) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range: \"%s\"", s)));
	PG_RETURN_TIMESTAMPTZ(t);
}

Datum
timestamptz_out(PG_FUNCTION_ARGS)
{
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(0);
	struct pg_tm tm;
	fsec_t		fsec;
	char		buf[MAXDATELEN + 1];

	if (TIMESTAMP_IS_NOBEGIN(t))
		PG_RETURN_CSTRING(pstrdup("-infinity"));
	if (TIMESTAMP_IS_NOEND(t))
		PG_RETURN_CSTRING(pstrdup("infinity"));
	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	EncodeDateTime(&tm, fsec, true, 0, NULL, USE_XSD_DATES, buf);
	PG_RETURN_CSTRING(pstrdup(buf));
}

Datum
interval_out(PG_FUNCTION_ARGS)
{
	Interval   *iv = PG_GETARG_INTERVAL_P(0);

	PG_RETURN_CSTRING(psprintf("%d mons %d days " INT64_FORMAT " us", iv->month, iv->day, iv->time));
}

/* timestamptz + interval in UTC: months, then days, then time (as the server) */
Datum
timestamptz_pl_interval(PG_FUNCTION_ARGS)
{
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(0);
	Interval   *span = PG_GETARG_INTERVAL_P(1);
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_NOT_FINITE(t))
		PG_RETURN_TIMESTAMPTZ(t);
	if (span->month != 0)
	{
		if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
			goto range;
		tm.tm_mon += span->month;
		if (tm.tm_mon > MONTHS_PER_YEAR)
		{
			tm.tm_year += (tm.tm_mon - 1) / MONTHS_PER_YEAR;
			tm.tm_mon = ((tm.tm_mon - 1) % MONTHS_PER_YEAR) + 1;
		}
		else if (tm.tm_mon < 1)
		{
			tm.tm_year += tm.tm_mon / MONTHS_PER_YEAR - 1;
			tm.tm_mon = tm.tm_mon % MONTHS_PER_YEAR + MONTHS_PER_YEAR;
		}
		if (tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1])
			tm.tm_mday = day_tab[isleap(tm.tm_year)][tm.tm_mon - 1];
		if (tm2timestamp(&tm, fsec, NULL, &t) != 0)
			goto range;
	}
	if (span->day != 0)
	{
		if (pg_add_s64_overflow(t, (int64) span->day * USECS_PER_DAY, &t) || !IS_VALID_TIMESTAMP(t))
			goto range;
	}
	if (pg_add_s64_overflow(t, span->time, &t) || !IS_VALID_TIMESTAMP(t))
		goto range;
	PG_RETURN_TIMESTAMPTZ(t);
range:
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("timestamp out of range")));
}

/* ---------- DirectFunctionCallN (fmgr.c): an error if the result is NULL ---------- */

static Datum
direct(PGFunction func, int n, Datum a1, Datum a2, Datum a3)
{
	LOCAL_FCINFO(fcinfo, 3);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, n, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = a1;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = a2;
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = a3;
	fcinfo->args[2].isnull = false;
	result = (*func) (fcinfo);
	if (fcinfo->isnull)
		elog(ERROR, "function %p returned NULL", (void *) func);
	return result;
}

Datum
DirectFunctionCall1Coll(PGFunction func, Oid collation, Datum arg1)
{
	(void) collation;
	return direct(func, 1, arg1, 0, 0);
}

Datum
DirectFunctionCall2Coll(PGFunction func, Oid collation, Datum arg1, Datum arg2)
{
	(void) collation;
	return direct(func, 2, arg1, arg2, 0);
}

Datum
DirectFunctionCall3Coll(PGFunction func, Oid collation, Datum arg1, Datum arg2, Datum arg3)
{
	(void) collation;
	return direct(func, 3, arg1, arg2, arg3);
}
